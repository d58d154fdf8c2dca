package dev.trellis.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Run inside a device's namespace by {@link DnsEndToEndTest}: looks a name up through the system
 * resolver (glibc's getaddrinfo, as every program on the device does; Java's own cache is off)
 * every 10 ms, prints {@code resolving} once it resolves and {@code gone <epoch ms>} at the first
 * lookup that fails, then exits. One JVM, started before the change, so the figure is not made of
 * process starts.
 */
public final class LookupLoop {
  private LookupLoop() {}

  public static void main(String[] args) throws Exception {
    java.security.Security.setProperty("networkaddress.cache.ttl", "0");
    java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
    boolean said = false;
    long end = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < end) {
      try {
        InetAddress.getAllByName(args[0]);
        if (!said) {
          System.out.println("resolving");
          System.out.flush();
          said = true;
        }
      } catch (UnknownHostException e) {
        if (said) {
          System.out.println("gone " + System.currentTimeMillis());
          return;
        }
      }
      Thread.sleep(10);
    }
    System.out.println("timeout");
  }
}
