package dev.trellis.agent.localapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may use the local API: root and the user the daemon runs as, always; and, when {@code
 * trellisd --operator} names one, that user or every member of that group ({@code group:NAME}). The
 * {@link ControlServer} asks the kernel who is on the other end of each connection ({@code
 * SO_PEERCRED}, through {@link jdk.net.ExtendedSocketOptions#SO_PEERCRED}) and asks {@link
 * #refusal} before it reads the request's verb.
 *
 * <p>Why peer credentials rather than the socket file's owner and mode: with an operator the socket
 * has to be connectable by others (0666), and the check then follows the process that connected,
 * not whoever could reach the file; it also names the refused user in the reply, as Tailscale's
 * {@code --operator} does. Group membership counts the peer's primary group and the group's member
 * list ({@code getent group}), read at each connection so a change takes effect without a restart.
 *
 * <p>Thread-safety: immutable; {@link #refusal} may be called from any thread.
 */
public final class PeerAccess {
  private final String daemonUser;
  private final String user;
  private final String group;

  private PeerAccess(String daemonUser, String user, String group) {
    this.daemonUser = daemonUser;
    this.user = user;
    this.group = group;
  }

  /** Root and the daemon's own user only (the socket stays 0600). */
  public static PeerAccess ownerOnly() {
    return new PeerAccess(System.getProperty("user.name"), null, null);
  }

  /**
   * Root, the daemon's user, and the operator {@code spec}: a user name or {@code group:NAME}.
   *
   * @throws IllegalArgumentException naming the user or group when the system does not know it
   */
  public static PeerAccess operator(String spec) {
    UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
    String me = System.getProperty("user.name");
    try {
      if (spec.startsWith("group:")) {
        String g = spec.substring(6);
        if (g.isEmpty()) {
          throw new IllegalArgumentException("--operator group: needs a group name");
        }
        names.lookupPrincipalByGroupName(g);
        return new PeerAccess(me, null, g);
      }
      names.lookupPrincipalByName(spec);
      return new PeerAccess(me, spec, null);
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalArgumentException(
          "--operator: no "
              + (spec.startsWith("group:") ? "group '" + spec.substring(6) : "user '" + spec)
              + "' on this system");
    } catch (IOException e) {
      throw new IllegalArgumentException("--operator " + spec + ": " + e.getMessage());
    }
  }

  /** Whether others than root and the daemon's user may connect (the socket is then 0666). */
  public boolean opensSocket() {
    return user != null || group != null;
  }

  /**
   * Why the process on the other end may not use the API, or {@code null} when it may.
   *
   * @param peer the peer's credentials from {@code SO_PEERCRED}, {@code null} if unknown
   */
  public String refusal(UnixDomainPrincipal peer) {
    if (peer == null) {
      return "access denied: the agent could not tell who is connecting";
    }
    String who = peer.user().getName();
    if (who.equals("root") || who.equals(daemonUser) || who.equals(user)) {
      return null;
    }
    if (group != null && (peer.group().getName().equals(group) || members(group, who))) {
      return null;
    }
    String allowed =
        user != null
            ? "root and the operator " + user
            : group != null ? "root and members of group " + group : "root";
    return "access denied: user '"
        + who
        + "' may not use this agent (allowed: "
        + allowed
        + "); run as root, or start trellisd with --operator "
        + who;
  }

  /** Whether {@code user} is in the member list of {@code group} ({@code getent group}). */
  private static boolean members(String group, String user) {
    try {
      Process p = new ProcessBuilder("getent", "group", group).redirectErrorStream(true).start();
      String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() != 0) {
        return false;
      }
      String[] fields = line.split(":", -1);
      return fields.length == 4 && Arrays.asList(fields[3].split(",")).contains(user);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
