package dev.trellis.agent.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The tunnel interface as the resolver needs it: its name, and its resolver addresses (see {@link
 * ResolverAddress}) added as host addresses that are never chosen as a source address and that
 * survive the interface being re-addressed.
 *
 * <p>Thread-safety: implementations are thread-safe.
 */
public interface ResolverLink {
  /** The interface's name, e.g. {@code trellis0}. */
  String name();

  /**
   * Adds the resolver's addresses to the interface and keeps them there until {@link
   * #removeResolverAddresses}.
   *
   * @return the addresses added: IPv4 always, IPv6 when the interface has IPv6
   * @throws IOException when the interface is not configured yet or the kernel refuses
   */
  List<InetAddress> addResolverAddresses() throws IOException;

  /** Removes them again; a no-op when they are not there. */
  void removeResolverAddresses();
}
