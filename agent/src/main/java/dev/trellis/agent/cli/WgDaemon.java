package dev.trellis.agent.cli;

import dev.trellis.agent.bind.BatchUdpBind;
import dev.trellis.agent.bind.BindOpener;
import dev.trellis.agent.bind.UdpBind;
import dev.trellis.agent.device.Device;
import dev.trellis.agent.device.DeviceCounters;
import dev.trellis.agent.device.DeviceOptions;
import dev.trellis.agent.device.DropReason;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.localapi.ControlServer;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.agent.netconf.IpCommand;
import dev.trellis.agent.netconf.LinkSetup;
import dev.trellis.agent.time.Clock;
import dev.trellis.agent.time.SystemClock;
import dev.trellis.agent.tun.LinuxTun;
import dev.trellis.agent.wgconfig.ConfigError;
import dev.trellis.agent.wgconfig.WgConfig;
import dev.trellis.agent.wgconfig.WgConfigParser;
import dev.trellis.proto.net.IpPrefix;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code trellisd wg --config FILE ...}: the standalone mode. Creates the TUN device, applies the
 * file's addresses, MTU and peer routes, runs a {@link Device} on a UDP bind, serves status on the
 * control socket, and on SIGTERM/SIGINT (a shutdown hook) closes the device and removes the TUN
 * device and the socket.
 *
 * <p>Thread-safety: set up on the main thread, which then waits for the shutdown hook.
 */
final class WgDaemon {
  static final String DEFAULT_TUN = "trellis0";

  private WgDaemon() {}

  static String defaultSocket(String tun) {
    return "/run/trellis/" + tun + ".sock";
  }

  static int run(List<String> args, PrintStream err) throws UsageError, IOException {
    Flags f =
        new Flags(
            args,
            Set.of("config", "tun", "socket", "mtu", "time-scale"),
            Set.of("no-tun-offload", "plain-udp"));
    if (!f.has("config")) {
      throw new UsageError("--config FILE is required");
    }
    Path file = Path.of(f.get("config", ""));
    String tunName = f.get("tun", DEFAULT_TUN);
    Path socket = Path.of(f.get("socket", defaultSocket(tunName)));
    int timeScale = f.getInt("time-scale", 1, 1, 1000);
    WgConfig config;
    try {
      config = new WgConfigParser().parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new IOException("cannot read config " + file + ": " + e.getMessage(), e);
    } catch (ConfigError e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    for (String w : config.warnings()) {
      err.println("trellisd: " + file + ": " + w);
    }
    int mtu = f.getInt("mtu", config.mtu() == 0 ? LinuxTun.DEFAULT_MTU : config.mtu(), 576, 65535);
    Clock clock = timeScale == 1 ? SystemClock.INSTANCE : new ScaledClock(timeScale);
    if (timeScale != 1) {
      err.println("trellisd: TESTING ONLY: protocol time runs " + timeScale + "x real time");
    }

    LinkSetup link = new LinkSetup(new IpCommand());
    LinuxTun tun = LinuxTun.open(tunName, mtu, !f.has("no-tun-offload"));
    Device device = null;
    ControlServer control = null;
    try {
      BindOpener binds = f.has("plain-udp") ? UdpBind::open : port -> batchOrPlain(port, err);
      device = new Device(tun, binds, clock, DeviceOptions.defaults());
      device.reconfigure(config.device());
      List<IpPrefix> routes = new ArrayList<>();
      for (PeerConfig p : config.device().peers()) {
        routes.addAll(p.allowedIps());
      }
      for (IpPrefix skipped : link.apply(tun.name(), mtu, config.addresses(), routes)) {
        err.println(
            "trellisd: not routing "
                + skipped
                + " (a default route, or IPv6 is off for the device)");
      }
      Device d = device;
      control = ControlServer.start(socket, () -> status(tun, d));
    } catch (IOException | RuntimeException e) {
      shutdown(control, device, tun, link);
      throw e;
    }
    err.println(
        "trellisd: "
            + tun.name()
            + (tun.offload() ? " (TUN TSO offload)" : "")
            + " up, public key "
            + device.publicKey().toBase64()
            + ", listening on UDP port "
            + device.listenPort()
            + ", control socket "
            + socket);
    Device d = device;
    ControlServer c = control;
    return ShutdownHook.await(() -> shutdown(c, d, tun, link));
  }

  /** The batched FFM socket, or the DatagramChannel one if the batched one cannot be made. */
  private static dev.trellis.agent.bind.Bind batchOrPlain(int port, PrintStream err)
      throws IOException {
    try {
      return BatchUdpBind.open(port);
    } catch (IOException | LinkageError e) {
      err.println("trellisd: batched UDP unavailable (" + e.getMessage() + "); using plain UDP");
      return UdpBind.open(port);
    }
  }

  private static InterfaceStatus status(LinuxTun tun, Device device) {
    Map<String, Long> counters = new LinkedHashMap<>();
    DeviceCounters dc = device.counters();
    counters.put("packets_sent", dc.packetsSent());
    counters.put("packets_received", dc.packetsReceived());
    counters.put("handshakes_initiated", dc.handshakesInitiated());
    counters.put("handshakes_completed", dc.handshakesCompleted());
    counters.put("cookie_replies_sent", dc.cookieRepliesSent());
    counters.put("keepalives_sent", dc.keepalivesSent());
    for (DropReason r : DropReason.values()) {
      counters.put("drops." + r.name(), dc.drops(r));
    }
    counters.put("tun.write_drops", tun.writeDrops());
    counters.put("tun.read_drops", tun.readDrops());
    counters.put("tun.offload", tun.offload() ? 1L : 0L);
    ProcessFigures.addTo(counters);
    return new InterfaceStatus(
        tun.name(), device.publicKey(), device.listenPort(), device.status(), counters);
  }

  private static void shutdown(ControlServer control, Device device, LinuxTun tun, LinkSetup link) {
    if (control != null) {
      try {
        control.close();
      } catch (IOException e) {
        // removing the socket is best effort
      }
    }
    if (device != null) {
      device.close();
    }
    try {
      tun.close();
    } catch (IOException e) {
      // the device disappears with the process anyway
    }
    link.deleteIfPresent(tun.name());
  }
}
