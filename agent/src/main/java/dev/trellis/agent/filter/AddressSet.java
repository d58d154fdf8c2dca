package dev.trellis.agent.filter;

import dev.trellis.proto.net.IpPrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of source prefixes built once from a rule, answering "is this address in it?" without
 * allocating: single addresses (the common case, one per peer node) sit in sorted arrays searched
 * by bisection, shorter prefixes are scanned.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class AddressSet {
  private final boolean any;
  private final long[] v4Hosts;
  private final long[] v6HostsHi;
  private final long[] v6HostsLo;
  private final IpPrefix[] ranges;

  AddressSet(boolean any, List<IpPrefix> prefixes) {
    this.any = any;
    List<IpPrefix> v4 = new ArrayList<>();
    List<IpPrefix> v6 = new ArrayList<>();
    List<IpPrefix> other = new ArrayList<>();
    for (IpPrefix p : prefixes) {
      if (!p.isHost()) {
        other.add(p);
      } else if (p.isIpv6()) {
        v6.add(p);
      } else {
        v4.add(p);
      }
    }
    v4Hosts = v4.stream().mapToLong(IpPrefix::lo).sorted().distinct().toArray();
    IpPrefix[] six =
        v6.stream()
            .distinct()
            .sorted(
                (x, y) -> {
                  int c = Long.compareUnsigned(x.hi(), y.hi());
                  return c != 0 ? c : Long.compareUnsigned(x.lo(), y.lo());
                })
            .toArray(IpPrefix[]::new);
    v6HostsHi = new long[six.length];
    v6HostsLo = new long[six.length];
    for (int i = 0; i < six.length; i++) {
      v6HostsHi[i] = six[i].hi();
      v6HostsLo[i] = six[i].lo();
    }
    ranges = other.toArray(IpPrefix[]::new);
  }

  boolean contains(boolean v6, long hi, long lo) {
    if (any) {
      return true;
    }
    if (v6 ? containsV6(hi, lo) : Arrays.binarySearch(v4Hosts, lo) >= 0) {
      return true;
    }
    for (IpPrefix p : ranges) {
      if (p.contains(v6, hi, lo)) {
        return true;
      }
    }
    return false;
  }

  private boolean containsV6(long hi, long lo) {
    int a = 0;
    int b = v6HostsHi.length - 1;
    while (a <= b) {
      int m = (a + b) >>> 1;
      int c = Long.compareUnsigned(v6HostsHi[m], hi);
      if (c == 0) {
        c = Long.compareUnsigned(v6HostsLo[m], lo);
      }
      if (c == 0) {
        return true;
      } else if (c < 0) {
        a = m + 1;
      } else {
        b = m - 1;
      }
    }
    return false;
  }

  int size() {
    return v4Hosts.length + v6HostsHi.length + ranges.length + (any ? 1 : 0);
  }
}
