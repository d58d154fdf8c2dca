package dev.trellis.identity.login;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts failed logins per account and per source IP in a Hazelcast map, so the limits hold across
 * every identity instance: each key has a fixed window ({@link #WINDOW}) and a failure count,
 * incremented atomically by an entry processor. A key at its limit is refused until its window
 * ends; a successful login clears the account's count (not the IP's).
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class LoginThrottle {
  /** The counters map. */
  public static final String MAP = "identity-decisions.login-failures";

  /** Length of a counting window. */
  public static final Duration WINDOW = Duration.ofMinutes(15);

  private final IMap<String, Window> failures;
  private final Clock clock;
  private final int perAccount;
  private final int perIp;

  /** A window's start (epoch ms) and failures so far. */
  record Window(long startMillis, int count) implements Serializable {}

  /** Adds one failure, starting a new window when the old one ended. */
  record AddFailure(long nowMillis, long windowMillis)
      implements EntryProcessor<String, Window, Integer> {
    @Override
    public Integer process(Map.Entry<String, Window> entry) {
      Window w = entry.getValue();
      Window next =
          w == null || nowMillis - w.startMillis() >= windowMillis
              ? new Window(nowMillis, 1)
              : new Window(w.startMillis(), w.count() + 1);
      entry.setValue(next);
      return next.count();
    }
  }

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
    long now = clock.millis();
    AddFailure add = new AddFailure(now, WINDOW.toMillis());
    failures.executeOnKey(accountKey, add);
    failures.executeOnKey(ipKey, add);
    failures.setTtl(accountKey, WINDOW.toSeconds(), TimeUnit.SECONDS);
    failures.setTtl(ipKey, WINDOW.toSeconds(), TimeUnit.SECONDS);
  }

  /** Clears the account's failures after a successful login. */
  public void succeeded(String accountKey) {
    failures.delete(accountKey);
  }

  private boolean atLimit(String key, int limit) {
    Window w = failures.get(key);
    return w != null && clock.millis() - w.startMillis() < WINDOW.toMillis() && w.count() >= limit;
  }
}
