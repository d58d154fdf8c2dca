package dev.trellis.agent.dns;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.DnsRecord;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/**
 * The names this device answers itself, built once from an immutable netmap snapshot and then only
 * read, so a lookup needs no lock and a new netmap replaces the whole table at once (a removed peer
 * stops resolving with the next netmap).
 *
 * <p>With MagicDNS on: every node (self and the visible peers) under its full name ({@code
 * nas.<suffix>}) and, when that name lies in the tailnet's suffix, under its short name ({@code
 * nas}); a PTR for each of its addresses; NXDOMAIN for any other name under the suffix or in the
 * reverse zones of the tailnet ranges (100.64.0.0/10, fd7a:115c:a1e0::/48). Extra records (A and
 * AAAA) are answered whether MagicDNS is on or not. A short name shared by two nodes (peers seen
 * from another tailnet's suffix) goes to the first in name order, so the answer does not depend on
 * arrival order. Negative answers carry no SOA, so no resolver caches the absence of a name that a
 * joining peer is about to take.
 *
 * <p>Thread-safety: immutable.
 */
public final class RecordTable {
  /** TTL of every answer, seconds: short, so a removed or renumbered peer is not cached long. */
  public static final long TTL = 10;

  /** The reverse zone of 100.64.0.0/10's parent (its 64-127 second octets are ours). */
  private static final Name V4_REVERSE = Name.fromConstantString("100.in-addr.arpa.");

  /** The reverse zone of fd7a:115c:a1e0::/48. */
  private static final Name V6_REVERSE =
      Name.fromConstantString("0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa.");

  /** A table with nothing in it. */
  public static final RecordTable EMPTY =
      new RecordTable(null, Map.of(), Map.of(), Map.of(), Map.of());

  /** How a lookup came out. */
  public enum Kind {
    /** The name exists here and has records of the type asked for. */
    ANSWER,
    /** The name exists here but has no records of that type. */
    NODATA,
    /** The name is in a domain this table is the authority for, and does not exist. */
    NXDOMAIN,
    /** Not a name of this table: forward it. */
    NOT_OURS
  }

  /**
   * The result of {@link #lookup}.
   *
   * @param kind how it came out
   * @param answers the answer records (owner name as asked), empty unless {@code ANSWER}
   */
  public record Lookup(Kind kind, List<Record> answers) {
    static final Lookup NOT_OURS = new Lookup(Kind.NOT_OURS, List.of());
    static final Lookup NXDOMAIN = new Lookup(Kind.NXDOMAIN, List.of());
    static final Lookup NODATA = new Lookup(Kind.NODATA, List.of());
  }

  private final Name suffix; // null when MagicDNS is off
  private final Map<Name, List<InetAddress>> full;
  private final Map<String, List<InetAddress>> shortNames;
  private final Map<Name, Name> reverse;
  private final Map<Name, List<InetAddress>> extra;

  private RecordTable(
      Name suffix,
      Map<Name, List<InetAddress>> full,
      Map<String, List<InetAddress>> shortNames,
      Map<Name, Name> reverse,
      Map<Name, List<InetAddress>> extra) {
    this.suffix = suffix;
    this.full = full;
    this.shortNames = shortNames;
    this.reverse = reverse;
    this.extra = extra;
  }

  /**
   * The table for {@code self} and {@code peers} under {@code config}. Unusable names and addresses
   * are left out, never thrown on.
   */
  public static RecordTable build(Node self, Collection<Node> peers, DnsConfig config) {
    Name suffix = config.getMagicDnsEnabled() ? DomainName.parse(config.getMagicDnsSuffix()) : null;
    Map<Name, List<InetAddress>> full = new HashMap<>();
    Map<String, List<InetAddress>> shortNames = new HashMap<>();
    Map<Name, Name> reverse = new HashMap<>();
    if (suffix != null) {
      List<Node> nodes = new ArrayList<>(peers);
      nodes.sort(Comparator.comparing(Node::getName).thenComparing(Node::getId));
      if (self != null) {
        nodes.addFirst(self);
      }
      for (Node n : nodes) {
        Name name = DomainName.parse(n.getName());
        List<InetAddress> addrs = addresses(n);
        if (name == null || addrs.isEmpty() || full.containsKey(name)) {
          continue;
        }
        full.put(name, addrs);
        if (name.subdomain(suffix) && !name.equals(suffix)) {
          shortNames.putIfAbsent(name.getLabelString(0).toLowerCase(Locale.ROOT), addrs);
        }
        for (InetAddress a : addrs) {
          reverse.putIfAbsent(ReverseMap.fromAddress(a), name);
        }
      }
    }
    Map<Name, List<InetAddress>> extra = new HashMap<>();
    for (DnsRecord r : config.getExtraRecordsList()) {
      Name name = DomainName.parse(r.getName());
      InetAddress a = extraValue(r);
      if (name != null && a != null) {
        List<InetAddress> list = extra.computeIfAbsent(name, k -> new ArrayList<>());
        if (!list.contains(a)) {
          list.add(a);
        }
      }
    }
    return new RecordTable(suffix, full, shortNames, reverse, extra);
  }

  /** The MagicDNS suffix, or null when MagicDNS is off. */
  public Name suffix() {
    return suffix;
  }

  /** The names of the extra records (for routing them to this resolver). */
  public Set<Name> extraNames() {
    return extra.keySet();
  }

  /** How many names the table answers (full names, short names and extra records). */
  public int size() {
    return full.size() + shortNames.size() + extra.size();
  }

  /** Looks {@code qname} up for {@code qtype} (class IN). */
  public Lookup lookup(Name qname, int qtype) {
    List<InetAddress> addrs = full.get(qname);
    if (addrs == null && qname.labels() == 2) {
      addrs = shortNames.get(qname.getLabelString(0).toLowerCase(Locale.ROOT));
    }
    List<InetAddress> more = extra.get(qname);
    if (addrs != null || more != null) {
      Set<InetAddress> all = new LinkedHashSet<>();
      if (addrs != null) {
        all.addAll(addrs);
      }
      if (more != null) {
        all.addAll(more);
      }
      return addressAnswer(qname, qtype, all);
    }
    Name target = reverse.get(qname);
    if (target != null) {
      if (qtype != Type.PTR && qtype != Type.ANY) {
        return Lookup.NODATA;
      }
      return new Lookup(Kind.ANSWER, List.of(new PTRRecord(qname, DClass.IN, TTL, target)));
    }
    if (authoritative(qname)) {
      return qname.equals(suffix) ? Lookup.NODATA : Lookup.NXDOMAIN;
    }
    return Lookup.NOT_OURS;
  }

  private boolean authoritative(Name qname) {
    if (suffix == null) {
      return false;
    }
    if (qname.subdomain(suffix)) {
      return true;
    }
    if (qname.subdomain(V6_REVERSE)) {
      return true;
    }
    if (qname.subdomain(V4_REVERSE) && qname.labels() >= 5) {
      // <d>.<c>.<b>.100.in-addr.arpa. : ours when b is 64-127 (100.64.0.0/10)
      String b = qname.getLabelString(qname.labels() - 5);
      try {
        int octet = Integer.parseInt(b);
        return octet >= 64 && octet <= 127;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  private static Lookup addressAnswer(Name qname, int qtype, Collection<InetAddress> addrs) {
    List<Record> out = new ArrayList<>();
    for (InetAddress a : addrs) {
      if (a instanceof Inet4Address && (qtype == Type.A || qtype == Type.ANY)) {
        out.add(new ARecord(qname, DClass.IN, TTL, a));
      } else if (a instanceof Inet6Address && (qtype == Type.AAAA || qtype == Type.ANY)) {
        out.add(new AAAARecord(qname, DClass.IN, TTL, a));
      }
    }
    return out.isEmpty() ? Lookup.NODATA : new Lookup(Kind.ANSWER, List.copyOf(out));
  }

  private static List<InetAddress> addresses(Node n) {
    List<InetAddress> out = new ArrayList<>();
    for (String s : n.getAddressesList()) {
      try {
        out.add(IpPrefix.parse(s).address());
      } catch (RuntimeException e) {
        // an unusable address is left out
      }
    }
    return List.copyOf(out);
  }

  private static InetAddress extraValue(DnsRecord r) {
    try {
      InetAddress a = IpLiteral.parse(r.getValue());
      String type = r.getType().toUpperCase(Locale.ROOT);
      if (type.equals("A") && a instanceof Inet4Address) {
        return a;
      }
      if (type.equals("AAAA") && a instanceof Inet6Address) {
        return a;
      }
      return null; // another type (agents ignore types they do not know) or a mismatched value
    } catch (RuntimeException e) {
      return null;
    }
  }
}
