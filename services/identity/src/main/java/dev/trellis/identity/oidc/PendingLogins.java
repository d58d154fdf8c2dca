package dev.trellis.identity.oidc;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Single sign-on logins between the redirect to the provider and the callback, by {@code state}, in
 * a Hazelcast map with a ten-minute TTL so the callback may reach any identity instance. {@link
 * #take} removes atomically: a state is good for one callback, a replay finds nothing.
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class PendingLogins {
  /** The map. */
  public static final String MAP = "identity-private.oidc-pending";

  /** How long a login may take at the provider. */
  public static final long TTL_SECONDS = 600;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final IMap<String, Pending> pending;

  /**
   * One login in progress. Holds the PKCE verifier (a secret until used): {@code toString} hides
   * it.
   *
   * @param tailnetId the tailnet signing in
   * @param nonce the nonce the ID token must carry
   * @param verifier the PKCE code verifier
   * @param redirectUri the redirect URI given to the provider
   */
  public record Pending(String tailnetId, String nonce, String verifier, String redirectUri)
      implements Serializable {
    @Override
    public String toString() {
      return "Pending[tailnet=" + tailnetId + ", redirect=" + redirectUri + ", secrets=redacted]";
    }
  }

  public PendingLogins(HazelcastInstance hazelcast) {
    this.pending = hazelcast.getMap(MAP);
  }

  /** 32 random bytes in URL-safe base64: for state, nonce and PKCE verifier. */
  public static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Remembers {@code p} under {@code state}. */
  public void put(String state, Pending p) {
    pending.set(state, p, TTL_SECONDS, TimeUnit.SECONDS);
  }

  /** Removes and returns the login of {@code state}, or null (unknown, expired or used). */
  public Pending take(String state) {
    if (state == null || state.isEmpty() || state.length() > 128) {
      return null;
    }
    return pending.remove(state);
  }
}
