package dev.trellis.agent.dns;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Decides what to do with one query packet, without I/O: answer it from the {@link RecordTable},
 * answer it with an error, drop it, or forward it upstream. Parsing is dnsjava's; anything it
 * cannot read is a FORMERR when the header shows a query, else a counted drop. Nothing here throws
 * on bad input (see {@code ResponderFuzzTest}).
 *
 * <p>Rules, in order: shorter than a header or longer than {@link #MAX_QUERY} bytes: dropped; the
 * QR bit set (a response): dropped, since answering responses can make two resolvers ping-pong;
 * unreadable: FORMERR; an opcode other than QUERY: NOTIMP; not exactly one question: FORMERR; EDNS
 * version above 0: BADVERS; a class other than IN (or ANY): REFUSED; zone transfers: REFUSED; a
 * name of the table: its answer (AA set); otherwise forwarded to the routes' upstreams, or SERVFAIL
 * when there are none.
 *
 * <p>Sizes: a UDP answer fits the client's EDNS0 payload size (512 bytes without EDNS0, at most
 * {@link #MAX_UDP_REPLY}); one that does not is cut at a record set boundary with the TC bit set,
 * so the client asks again over TCP. TCP answers may use the whole 64 KiB.
 *
 * <p>Thread-safety: stateless apart from the thread-safe counters.
 */
public final class Responder {
  /** The largest query accepted, bytes (real queries are under 300). */
  public static final int MAX_QUERY = 4096;

  /** The largest UDP answer sent, whatever the client advertises (lo has no fragmentation). */
  public static final int MAX_UDP_REPLY = 4096;

  /** The EDNS0 payload size this resolver advertises (the DNS Flag Day 2020 value). */
  public static final int ADVERTISED_PAYLOAD = 1232;

  /** Without EDNS0, UDP answers are at most this long (RFC 1035). */
  public static final int CLASSIC_UDP = 512;

  /** What to do with a packet. */
  public sealed interface Outcome {}

  /**
   * Send these bytes back.
   *
   * @param wire the answer
   */
  public record Reply(byte[] wire) implements Outcome {}

  /**
   * Ask upstream.
   *
   * @param query the parsed query (forward it with a fresh id)
   * @param upstreams where to send it, in order (never empty)
   * @param maxReply the longest answer the client takes on its transport
   */
  public record Forward(Message query, List<Upstream> upstreams, int maxReply) implements Outcome {}

  /**
   * Send nothing.
   *
   * @param reason why
   */
  public record Drop(DnsCounters.Drop reason) implements Outcome {}

  private final DnsCounters counters;

  public Responder(DnsCounters counters) {
    this.counters = counters;
  }

  /**
   * Decides on the query in {@code packet[0, length)} that arrived over TCP ({@code tcp}) or UDP,
   * against {@code state}.
   */
  public Outcome handle(byte[] packet, int length, boolean tcp, ResolverState state) {
    counters.query();
    if (length < Header.LENGTH) {
      return drop(DnsCounters.Drop.MALFORMED);
    }
    if (length > MAX_QUERY) {
      return drop(DnsCounters.Drop.OVERSIZED);
    }
    if ((packet[2] & 0x80) != 0) {
      return drop(DnsCounters.Drop.NOT_A_QUERY);
    }
    Message query;
    try {
      query =
          new Message(length == packet.length ? packet : java.util.Arrays.copyOf(packet, length));
    } catch (IOException | RuntimeException e) {
      return new Reply(Replies.headerOnly(packet, Rcode.FORMERR, counters));
    }
    OPTRecord opt = query.getOPT();
    int maxReply =
        tcp
            ? Message.MAXLENGTH
            : opt == null
                ? CLASSIC_UDP
                : Math.clamp(opt.getPayloadSize(), CLASSIC_UDP, MAX_UDP_REPLY);
    Header h = query.getHeader();
    if (h.getOpcode() != Opcode.QUERY) {
      return new Reply(Replies.error(query, Rcode.NOTIMP, maxReply, counters));
    }
    List<Record> questions = query.getSection(Section.QUESTION);
    if (questions.size() != 1) {
      return new Reply(Replies.error(query, Rcode.FORMERR, maxReply, counters));
    }
    if (opt != null && opt.getVersion() > 0) {
      return new Reply(Replies.error(query, Rcode.BADVERS, maxReply, counters));
    }
    Record q = questions.getFirst();
    int qtype = q.getType();
    if ((q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY)
        || qtype == Type.AXFR
        || qtype == Type.IXFR) {
      return new Reply(Replies.error(query, Rcode.REFUSED, maxReply, counters));
    }
    if (qtype == Type.OPT) {
      return new Reply(Replies.error(query, Rcode.FORMERR, maxReply, counters));
    }
    RecordTable.Lookup found = state.table().lookup(q.getName(), qtype);
    switch (found.kind()) {
      case ANSWER, NODATA -> {
        counters.local();
        return new Reply(Replies.answer(query, Rcode.NOERROR, found.answers(), maxReply));
      }
      case NXDOMAIN -> {
        counters.local();
        counters.error(DnsCounters.Error.NXDOMAIN);
        return new Reply(Replies.answer(query, Rcode.NXDOMAIN, List.of(), maxReply));
      }
      case NOT_OURS -> {
        List<Upstream> upstreams = state.routes().forName(q.getName());
        if (upstreams.isEmpty()) {
          return new Reply(Replies.error(query, Rcode.SERVFAIL, maxReply, counters));
        }
        return new Forward(query, upstreams, maxReply);
      }
      default -> throw new IllegalStateException("unknown lookup kind " + found.kind());
    }
  }

  private Drop drop(DnsCounters.Drop reason) {
    counters.drop(reason);
    return new Drop(reason);
  }
}
