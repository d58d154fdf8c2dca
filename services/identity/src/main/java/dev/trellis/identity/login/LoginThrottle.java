package dev.trellis.identity.login;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.identity.limit.WindowCounter;
import java.time.Clock;
import java.time.Duration;

/**
 * Counts failed logins per account and per source IP with a {@link WindowCounter}, so the limits
 * hold across every identity instance: each key has a fixed window ({@link #WINDOW}) and a failure
 * count. A key at its limit is refused until its window ends; a successful login clears the
 * account's count (not the IP's).
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class LoginThrottle {
  /** The counters map. */
  public static final String MAP = "identity-decisions.login-failures";

  /** Length of a counting window. */
  public static final Duration WINDOW = Duration.ofMinutes(15);

  private final WindowCounter failures;
  private final int perAccount;
  private final int perIp;

  public LoginThrottle(HazelcastInstance hazelcast, Clock clock, int perAccount, int perIp) {
    this.failures = new WindowCounter(hazelcast.getMap(MAP), clock, WINDOW);
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
    return failures.count(accountKey) >= perAccount || failures.count(ipKey) >= perIp;
  }

  /** Records a failed attempt against both keys. */
  public void failed(String accountKey, String ipKey) {
    failures.add(accountKey);
    failures.add(ipKey);
  }

  /** Clears the account's failures after a successful login. */
  public void succeeded(String accountKey) {
    failures.clear(accountKey);
  }
}
