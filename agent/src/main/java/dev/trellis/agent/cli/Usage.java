package dev.trellis.agent.cli;

/**
 * The usage texts of the agent's two programs: {@code trellis} (the CLI a person types) and {@code
 * trellisd} (the daemon), each printed alone by its own {@code --help}.
 *
 * <p>Thread-safety: constants only.
 */
final class Usage {
  static final String TRELLIS =
      """
      usage: trellis [--socket PATH] COMMAND [ARGS]
        The Trellis device CLI: talks to the local trellisd over its Unix socket (PATH, or
        $TRELLIS_SOCKET, default /run/trellis/trellisd.sock). Root, or the user or group
        trellisd was started with --operator, may use it.

      commands:
        up --login-server URL [--auth-key K|file:PATH] [--hostname H]
           [--advertise-tags tag:a,tag:b] [--force-reauth] [--control-key mkey:HEX]
           [--accept-dns=true|false]
            Joins the tailnet (auth key also from $TRELLIS_AUTH_KEY; without one, prints a
            login URL and waits) and starts the tunnel. Later 'up' without a key reconnects.
            --accept-dns=false leaves the system's resolver configuration alone (the
            resolver at 100.100.100.100 still answers); the choice is kept until changed.
            Also takes the route flags of 'set'.
        set [--advertise-routes CIDR,...] [--advertise-exit-node[=bool]]
            [--accept-routes[=bool]] [--exit-node PEER] [--exit-node-allow-lan-access[=bool]]
            [--snat-subnet-routes[=bool]]
            Changes route preferences without logging in again (kept across restarts):
            --advertise-routes      subnets this device offers to route (empty clears);
                                    an admin or the policy's autoApprovers approve them
            --advertise-exit-node   offers to carry other devices' internet traffic
            --accept-routes         routes to the subnets other devices offer
            --exit-node PEER        sends internet traffic through PEER, an approved exit
                                    node (name, short name or address; empty clears)
            --exit-node-allow-lan-access  keeps this host's local networks local
            --snat-subnet-routes    masquerades forwarded subnet traffic (default true)
        status [--json]     this device and its peers
        ip [-4|-6] [PEER]   this device's (or PEER's) tailnet addresses
        dns status          the resolver: OS integration, names, counters
        down                stops the tunnel (keys and registration kept)
        logout              forgets the registration
        netcheck            UDP, public address, NAT kind, relay latency, port mapping
        ping [-c N] PEER    disco pings (default 4): direct ip:port or relay
            PEER is a short name (nas), a full MagicDNS name or an address.
        wg show [--tun NAME | --socket PATH] [--counters]
                            the WireGuard interface and peers, as 'wg show' prints them
        version             prints the version
        help, -h, --help    prints this text

      exit status: 0 ok, 1 refused or failed, 2 usage.
      """;

  static final String TRELLISD =
      """
      usage: trellisd [--state-dir DIR] [--socket PATH] [--tun NAME] [--port N]
                      [--operator USER|group:NAME]
        Runs the agent daemon: keys and registration in DIR/state.conf (default
        /var/lib/trellis, 0700/0600), the local API on the Unix socket PATH (default
        /run/trellis/trellisd.sock), the TUN NAME (default trellis0) and WireGuard on UDP
        port N (default 41641, 0 = any). Needs root or CAP_NET_ADMIN.
        --operator USER      also lets USER (or every member of group NAME) run 'trellis'
                             without root; the daemon checks each client's credentials
                             (SO_PEERCRED) and refuses anyone else but root.

      usage: trellisd wg --config FILE [--tun NAME] [--socket PATH] [--mtu N]
                         [--no-tun-offload] [--plain-udp]
        Runs a WireGuard device from a standard WireGuard config file on TUN NAME
        (default trellis0) and serves its status on the Unix socket PATH
        (default /run/trellis/NAME.sock). Needs root or CAP_NET_ADMIN.
        By default the TUN device takes TCP segmentation offload (super-packets) and
        UDP moves in batches (recvmmsg/sendmmsg with UDP GSO/GRO), each falling back
        to the plain path when the kernel refuses it.
        --no-tun-offload  plain TUN reads and writes, one packet each
        --plain-udp       a DatagramChannel socket, one datagram per call

      usage: trellisd version | help | -h | --help
      """;

  private Usage() {}
}
