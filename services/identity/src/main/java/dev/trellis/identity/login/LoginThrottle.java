package dev.trellis.identity.login;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts failed logins per account and per source IP in a Hazelcast map, so the limits hold across
 * every identity instance: each key has a fixed window ({@link #WINDOW}) and a failure count,
 * stored as the string {@code <window start ms>:<count>} and incremented with a compare-and-set
 * loop on built-in map operations (no identity class has to exist on other services' members of a
 * shared cluster). A key at its limit is refused until its window ends; a successful login clears
 * the account's count (not the IP's). Entries expire with their window.
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class LoginThrottle {
  /** The counters map. */
  public static final String MAP = "identity-decisions.login-failures";

  /** Length of a counting window. */
  public static final Duration WINDOW = Duration.ofMinutes(15);

  private final IMap<String, String> failures;
  private final Clock clock;
  private final int perAccount;
  private final int perIp;

  public LoginThrottle(HazelcastInstance hazelcast, Clock clock, int perAccount, int perIp) {
    this.failures = hazelcast.getMap(MAP);
    this.clock = clock;
    this.perAccount = perAccount;
    this.perIp = perIp;
  }

  /** The account key for {@code email} in {@code tailnet}. */
  public static String account(String tailnet, String email) {
    return "account:" + tailnet + "/" + email;
  }

  /** The source key for {@code ip}. */
  public static String ip(String ip) {
    return "ip:" + ip;
  }

  /** Whether the account or the IP is at its limit now. */
  public boolean limited(String accountKey, String ipKey) {
    return atLimit(accountKey, perAccount) || atLimit(ipKey, perIp);
  }

  /** Records a failed attempt against both keys. */
  public void failed(String accountKey, String ipKey) {
    add(accountKey);
    add(ipKey);
  }

  /** Clears the account's failures after a successful login. */
  public void succeeded(String accountKey) {
    failures.delete(accountKey);
  }

  private void add(String key) {
    long now = clock.millis();
    while (true) {
      String current = failures.get(key);
      long[] w = parse(current);
      String next =
          w == null || now - w[0] >= WINDOW.toMillis() ? now + ":1" : w[0] + ":" + (w[1] + 1);
      boolean done =
          current == null
              ? failures.putIfAbsent(key, next, WINDOW.toSeconds(), TimeUnit.SECONDS) == null
              : failures.replace(key, current, next);
      if (done) {
        return;
      }
    }
  }

  private boolean atLimit(String key, int limit) {
    long[] w = parse(failures.get(key));
    return w != null && clock.millis() - w[0] < WINDOW.toMillis() && w[1] >= limit;
  }

  /** {@code [start, count]} of a stored window, or null for none or garbage. */
  private static long[] parse(String value) {
    if (value == null) {
      return null;
    }
    int colon = value.indexOf(':');
    try {
      return new long[] {
        Long.parseLong(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1))
      };
    } catch (RuntimeException e) {
      return null;
    }
  }
}
