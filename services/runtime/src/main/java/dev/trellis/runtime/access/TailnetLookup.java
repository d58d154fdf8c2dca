package dev.trellis.runtime.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.http.ApiException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds a tailnet by the name or id a request gives, the same way in every service, from identity's
 * projection ({@link StateMaps#TAILNETS} and {@link StateMaps#TAILNET_NAMES}, read-only here).
 *
 * <p>Ids and names live in disjoint forms, so a lookup is never ambiguous: an id is {@code tn} and
 * 16 lower-case hex digits ({@link #isIdForm}), and identity refuses to name a tailnet in that
 * form. Text of the id form is looked up as an id only; any other text as a name only. (A name of
 * the id form recorded before names were checked stays in the log but is never used for lookups:
 * such a tailnet is reached by its id.)
 *
 * <p>{@link #scope} is the check every admin endpoint makes: a tailnet the caller may not read is
 * reported exactly like one that does not exist ({@code TAILNET_NOT_FOUND}), never as forbidden.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (not for event loops).
 */
public final class TailnetLookup {
  private static final Pattern ID_FORM = Pattern.compile("tn[0-9a-f]{16}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final IMap<String, byte[]> tailnets;
  private final IMap<String, String> names;

  public TailnetLookup(HazelcastInstance hazelcast) {
    this.tailnets = hazelcast.getMap(StateMaps.TAILNETS);
    this.names = hazelcast.getMap(StateMaps.TAILNET_NAMES);
  }

  /** A fresh tailnet id: {@code tn} and 16 random hex digits. */
  public static String newId() {
    byte[] raw = new byte[8];
    RANDOM.nextBytes(raw);
    return "tn" + HexFormat.of().formatHex(raw);
  }

  /** Whether {@code text} has the form of a tailnet id (and so can never be a name). */
  public static boolean isIdForm(String text) {
    return text != null && ID_FORM.matcher(text).matches();
  }

  /** The id {@code nameOrId} denotes, if such a tailnet exists. */
  public Optional<String> idOf(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return Optional.empty();
    }
    String text = nameOrId.strip();
    if (isIdForm(text)) {
      return tailnets.containsKey(text) ? Optional.of(text) : Optional.empty();
    }
    return Optional.ofNullable(names.get(text)).filter(tailnets::containsKey);
  }

  /** The tailnet with this id. */
  public Optional<TailnetRecord> byId(String id) {
    byte[] raw = id == null || id.isEmpty() ? null : tailnets.get(id);
    if (raw == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(TailnetRecord.parseFrom(raw));
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored tailnet record is unreadable.", e);
    }
  }

  /** The tailnet named or identified by {@code nameOrId}; 404 when there is none. */
  public TailnetRecord resolve(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, "tailnet", "A tailnet name or id is required.");
    }
    return idOf(nameOrId)
        .flatMap(this::byId)
        .orElseThrow(() -> ApiException.of(ErrorCode.TAILNET_NOT_FOUND));
  }

  /**
   * The id of the tailnet a request is about: {@code nameOrId} if given, else the caller's own;
   * {@code TAILNET_NOT_FOUND} when it does not exist or the caller may not read it.
   */
  public String scope(Principal caller, String nameOrId) {
    String id =
        nameOrId == null || nameOrId.isBlank() ? caller.tailnetId() : idOf(nameOrId).orElse(null);
    if (id == null || id.isEmpty() || !caller.canRead(id) || !tailnets.containsKey(id)) {
      throw ApiException.of(ErrorCode.TAILNET_NOT_FOUND);
    }
    return id;
  }
}
