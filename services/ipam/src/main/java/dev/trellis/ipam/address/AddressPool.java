package dev.trellis.ipam.address;

/**
 * The address arithmetic of a tailnet: which addresses may be handed out, numbered by an
 * <em>ordinal</em> from 0 to {@link #size()}-1, and the IPv4 and IPv6 address of each ordinal.
 *
 * <p>IPv4: the ordinals walk 100.64.0.0/10 upwards from 100.64.0.1, skipping the excluded ranges of
 * {@link #EXCLUDED}: the network-looking first address 100.64.0.0, 100.100.100.100 (MagicDNS),
 * 100.115.92.0/23 (reserved, as in Tailscale) and the broadcast-looking last address
 * 100.127.255.255. Ordinal to address and back are O(number of excluded ranges), with no table.
 *
 * <p>IPv6: a node's IPv6 address is {@code fd7a:115c:a1e0::/48} with the node's IPv4 address in the
 * low 32 bits, e.g. 100.64.0.3 → {@code fd7a:115c:a1e0::6440:3} (RFC 5952 text form). So the IPv6
 * address of a tailnet is unique exactly when its IPv4 address is, and either one names the other.
 *
 * <p>A pool may be {@link #limited} to its first ordinals (tests of exhaustion use a handful).
 *
 * <p>Thread-safety: immutable.
 */
public final class AddressPool {
  /** First address of 100.64.0.0/10, as an unsigned 32-bit value. */
  static final long BASE = (100L << 24) | (64L << 16);

  /** Addresses in 100.64.0.0/10. */
  static final long SPAN = 1L << 22;

  /** The IPv6 prefix that the IPv4 address is appended to. */
  public static final String IPV6_PREFIX = "fd7a:115c:a1e0::";

  /**
   * Excluded offsets from {@link #BASE}, as sorted, disjoint, inclusive {@code {first, last}}
   * ranges: 100.64.0.0, 100.100.100.100, 100.115.92.0/23, 100.127.255.255.
   */
  static final long[][] EXCLUDED = {
    {0, 0},
    {offset(100, 100, 100), offset(100, 100, 100)},
    {offset(115, 92, 0), offset(115, 93, 255)},
    {SPAN - 1, SPAN - 1},
  };

  /** Ordinals of the whole /10 (every offset minus the excluded ones). */
  public static final long FULL_SIZE = fullSize();

  private static final AddressPool STANDARD = new AddressPool(FULL_SIZE);

  private final long size;

  private AddressPool(long size) {
    this.size = size;
  }

  /** Every address of 100.64.0.0/10 that may be handed out. */
  public static AddressPool standard() {
    return STANDARD;
  }

  /** The first {@code size} ordinals of the standard pool only (for tests of exhaustion). */
  public static AddressPool limited(long size) {
    if (size < 1 || size > FULL_SIZE) {
      throw new IllegalArgumentException("pool size must be in [1, " + FULL_SIZE + "]: " + size);
    }
    return new AddressPool(size);
  }

  /** How many addresses the pool holds. */
  public long size() {
    return size;
  }

  /** The IPv4 address of {@code ordinal} as an unsigned 32-bit value. */
  public long ipv4Value(long ordinal) {
    if (ordinal < 0 || ordinal >= size) {
      throw new IllegalArgumentException("ordinal out of range [0, " + size + "): " + ordinal);
    }
    long offset = ordinal;
    for (long[] range : EXCLUDED) {
      if (offset >= range[0]) {
        offset += range[1] - range[0] + 1;
      }
    }
    return BASE + offset;
  }

  /** The IPv4 address of {@code ordinal} in dotted-quad form. */
  public String ipv4(long ordinal) {
    return dotted(ipv4Value(ordinal));
  }

  /** The IPv6 address of {@code ordinal} (RFC 5952 form). */
  public String ipv6(long ordinal) {
    return ipv6For(ipv4Value(ordinal));
  }

  /** Both addresses of {@code ordinal}. */
  public NodeAddresses addresses(long ordinal) {
    return new NodeAddresses(ipv4(ordinal), ipv6(ordinal));
  }

  /**
   * The ordinal of an IPv4 address (unsigned 32-bit value), or -1 when the pool does not hold it
   * (outside the /10, excluded, or past a limited pool's end).
   */
  public long ordinalOf(long ipv4) {
    long offset = ipv4 - BASE;
    if (offset < 0 || offset >= SPAN) {
      return -1;
    }
    long skipped = 0;
    for (long[] range : EXCLUDED) {
      if (offset > range[1]) {
        skipped += range[1] - range[0] + 1;
      } else if (offset >= range[0]) {
        return -1;
      }
    }
    long ordinal = offset - skipped;
    return ordinal < size ? ordinal : -1;
  }

  /** The IPv6 address carrying {@code ipv4} (unsigned 32-bit value) in its low 32 bits. */
  public static String ipv6For(long ipv4) {
    long high = (ipv4 >>> 16) & 0xffff;
    long low = ipv4 & 0xffff;
    if (high == 0) {
      return IPV6_PREFIX + Long.toHexString(low);
    }
    return IPV6_PREFIX + Long.toHexString(high) + ":" + Long.toHexString(low);
  }

  /** Dotted-quad text of an unsigned 32-bit value. */
  public static String dotted(long ipv4) {
    return ((ipv4 >>> 24) & 0xff)
        + "."
        + ((ipv4 >>> 16) & 0xff)
        + "."
        + ((ipv4 >>> 8) & 0xff)
        + "."
        + (ipv4 & 0xff);
  }

  /** The unsigned 32-bit value of dotted-quad {@code text}, or -1 when it is not one. */
  public static long parseIpv4(String text) {
    if (text == null) {
      return -1;
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      int octet = Integer.parseInt(part);
      if (octet > 255 || (part.length() > 1 && part.charAt(0) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
    }
    return value;
  }

  private static long offset(int second, int third, int fourth) {
    return ((second - 64L) << 16) | ((long) third << 8) | fourth;
  }

  private static long fullSize() {
    long excluded = 0;
    for (long[] range : EXCLUDED) {
      excluded += range[1] - range[0] + 1;
    }
    return SPAN - excluded;
  }

  @Override
  public String toString() {
    return "AddressPool[" + size + " addresses from 100.64.0.1]";
  }
}
