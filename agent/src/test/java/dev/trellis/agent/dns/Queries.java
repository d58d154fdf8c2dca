package dev.trellis.agent.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Query packets for the resolver's tests, built with dnsjava as a client would. */
final class Queries {
  private Queries() {}

  static Message query(String name, int type) {
    Message m = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    m.getHeader().setFlag(Flags.RD);
    return m;
  }

  static byte[] wire(String name, int type) {
    return query(name, type).toWire();
  }

  static byte[] withEdns(String name, int type, int payload) {
    Message m = query(name, type);
    m.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
    return m.toWire();
  }

  static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
