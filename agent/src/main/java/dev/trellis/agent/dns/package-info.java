/**
 * MagicDNS: the device's resolver at {@code 100.100.100.100} and {@code fd7a:115c:a1e0::53}.
 *
 * <p>Flow of one query:
 *
 * <ol>
 *   <li>A program on this device sends a query to 100.100.100.100:53 (UDP, or TCP after a truncated
 *       answer). The address sits on the tunnel interface, so the kernel delivers it locally
 *       through {@code lo}; the input guard ({@link dev.trellis.agent.dns.InputGuard}) drops
 *       packets for it that arrive on any other interface, and the listeners drop queries from
 *       sources that are not this host's own ({@link dev.trellis.agent.dns.LocalSources}). Queries
 *       never pass through the WireGuard packet path.
 *   <li>{@link dev.trellis.agent.dns.DnsListeners} hands the bytes to {@link
 *       dev.trellis.agent.dns.Responder}, which parses them with dnsjava and either answers from
 *       the {@link dev.trellis.agent.dns.RecordTable} (peers by short and full name, PTR for
 *       tailnet addresses, extra records, NXDOMAIN inside the tailnet's domain), refuses bad input
 *       (FORMERR, NOTIMP, or a counted drop), or names the upstreams to forward to ({@link
 *       dev.trellis.agent.dns.UpstreamRoutes}: the longest split-DNS domain, else the tailnet's
 *       resolvers, else the device's original ones).
 *   <li>{@link dev.trellis.agent.dns.Forwarder} sends forwarded queries upstream (UDP or TCP as the
 *       client used) on virtual threads and answers SERVFAIL when no upstream replies within {@link
 *       dev.trellis.agent.dns.Forwarder#DEADLINE}.
 * </ol>
 *
 * <p>{@link dev.trellis.agent.dns.MagicDns} ties it together: it takes each applied netmap
 * snapshot, swaps in a new record table and routes (a removed peer stops resolving at once), and
 * points the OS at the resolver through an {@link dev.trellis.agent.dns.OsConfigurator}
 * (systemd-resolved, or {@code /etc/resolv.conf} with a backup restored on stop and after a crash).
 */
package dev.trellis.agent.dns;
