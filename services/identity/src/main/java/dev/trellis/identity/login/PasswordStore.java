package dev.trellis.identity.login;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * Users' Argon2id password hashes, by user id, in a private Hazelcast map shared by identity's
 * instances. They are not on the event log: {@code PasswordSet} records only that a password
 * changed, because the log is readable by every service and kept forever. The price: if the whole
 * Hazelcast cluster is lost, passwords must be set again (single sign-on and API tokens are not
 * affected).
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class PasswordStore {
  /** The private map. */
  public static final String MAP = "identity-private.password-hashes";

  private final IMap<String, String> hashes;

  public PasswordStore(HazelcastInstance hazelcast) {
    this.hashes = hazelcast.getMap(MAP);
  }

  /** The stored hash of {@code userId}, or null. */
  public String hashOf(String userId) {
    return hashes.get(userId);
  }

  /** Stores {@code phc} for {@code userId}; returns whether the user had none before. */
  public boolean set(String userId, String phc) {
    return hashes.put(userId, phc) == null;
  }

  /** Forgets {@code userId}'s password. */
  public void remove(String userId) {
    hashes.delete(userId);
  }
}
