package dev.trellis.agent.dns;

import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Builds the resolver's own answers to a query: the question echoed (with the client's letter
 * case), QR and RA set, RD copied, AA set for names this resolver is the authority for, an OPT
 * record when the client sent one, and the whole cut to the client's size with the TC bit when it
 * does not fit.
 *
 * <p>Thread-safety: stateless.
 */
final class Replies {
  private Replies() {}

  /** An answer from the record table (NOERROR with records or none, or NXDOMAIN): AA set. */
  static byte[] answer(Message query, int rcode, List<Record> answers, int maxReply) {
    Message m = base(query, rcode, true);
    for (Record r : answers) {
      m.addRecord(r, Section.ANSWER);
    }
    return m.toWire(maxReply);
  }

  /** An error answer (FORMERR, SERVFAIL, NOTIMP, REFUSED, BADVERS), counted. */
  static byte[] error(Message query, int rcode, int maxReply, DnsCounters counters) {
    counters.error(kind(rcode));
    return base(query, rcode, false).toWire(maxReply);
  }

  /**
   * An error answer built from the raw header of a query that could not be parsed: id, opcode and
   * RD copied, no sections. The caller has checked that the packet holds a header and is a query.
   */
  static byte[] headerOnly(byte[] packet, int rcode, DnsCounters counters) {
    counters.error(kind(rcode));
    byte[] out = new byte[Header.LENGTH];
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) (0x80 | (packet[2] & 0x78) | (packet[2] & 0x01));
    out[3] = (byte) (0x80 | (rcode & 0x0f));
    return out;
  }

  private static Message base(Message query, int rcode, boolean authoritative) {
    Message m = new Message(query.getHeader().getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setFlag(Flags.RA);
    if (authoritative) {
      h.setFlag(Flags.AA);
    }
    h.setRcode(rcode & 0x0f);
    Record q = query.getQuestion();
    if (q != null) {
      m.addRecord(q, Section.QUESTION);
    }
    if (query.getOPT() != null) {
      m.addRecord(new OPTRecord(Responder.ADVERTISED_PAYLOAD, rcode >>> 4, 0), Section.ADDITIONAL);
    }
    return m;
  }

  private static DnsCounters.Error kind(int rcode) {
    return switch (rcode) {
      case Rcode.FORMERR -> DnsCounters.Error.FORMERR;
      case Rcode.SERVFAIL -> DnsCounters.Error.SERVFAIL;
      case Rcode.NXDOMAIN -> DnsCounters.Error.NXDOMAIN;
      case Rcode.NOTIMP -> DnsCounters.Error.NOTIMP;
      case Rcode.BADVERS -> DnsCounters.Error.BADVERS;
      default -> DnsCounters.Error.REFUSED;
    };
  }
}
