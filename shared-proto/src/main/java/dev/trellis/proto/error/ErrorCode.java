package dev.trellis.proto.error;

import java.util.HashMap;
import java.util.Map;

/**
 * The one registry of error codes Trellis returns over HTTP and the agent/control API.
 *
 * <p>Each constant has a stable string {@link #code()} that never changes once released (clients
 * and scripts match on it), an HTTP status, and a default human-readable message that may be
 * reworded at any time. The checked-in list {@code src/test/resources/error-codes.txt} pins every
 * code and status; a test fails if one changes. To retire a code, keep the constant and stop using
 * it: a code is never reused for a different meaning.
 *
 * <p>Receivers tolerate codes they do not know (from a newer peer): {@link #fromCode(String)}
 * returns {@link #UNKNOWN} instead of throwing.
 *
 * <p>Thread-safety: immutable.
 */
public enum ErrorCode {
  // ---- Fallback for codes this reader does not know -------------------------------------------
  /** A code this reader does not know (sent by a newer peer), or no code at all. */
  UNKNOWN("UNKNOWN", 500, "Unknown error."),

  // ---- Generic: request shape, authentication, and service health -----------------------------
  /** The request could not be parsed (malformed JSON, protobuf or query string). */
  BAD_REQUEST("BAD_REQUEST", 400, "The request is malformed."),
  /** The request parsed but a field is missing or out of range; details name the field. */
  VALIDATION_FAILED("VALIDATION_FAILED", 422, "The request failed validation."),
  /** The request body exceeds the endpoint's size limit. */
  BODY_TOO_LARGE("BODY_TOO_LARGE", 413, "The request body is too large."),
  /** No credential, or a credential that does not verify. */
  UNAUTHENTICATED("UNAUTHENTICATED", 401, "Authentication is required."),
  /** The caller is authenticated but its role or tags do not allow this action. */
  FORBIDDEN("FORBIDDEN", 403, "You are not allowed to do this."),
  /** The addressed resource does not exist in the caller's tailnet. */
  NOT_FOUND("NOT_FOUND", 404, "Not found."),
  /** The request conflicts with current state (a duplicate name, a stale version). */
  CONFLICT("CONFLICT", 409, "The request conflicts with the current state."),
  /** Too many requests from this caller; retry after the Retry-After header. */
  RATE_LIMITED("RATE_LIMITED", 429, "Too many requests; slow down."),
  /** An unexpected failure inside the service; the log has the details under the request id. */
  INTERNAL("INTERNAL", 500, "Internal error."),
  /** The service (or one it depends on: Kafka, Hazelcast) is temporarily unavailable; retry. */
  UNAVAILABLE("UNAVAILABLE", 503, "The service is temporarily unavailable; retry later."),
  /** The endpoint or method does not exist. */
  METHOD_NOT_ALLOWED("METHOD_NOT_ALLOWED", 405, "Method not allowed."),
  /** The request's content type is not one the endpoint accepts. */
  UNSUPPORTED_MEDIA_TYPE("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported content type."),

  // ---- Identity: tailnets, users, logins, auth keys, API tokens, OIDC
  // ----------------------------
  /** The tailnet named in the request does not exist (or was deleted). */
  TAILNET_NOT_FOUND("TAILNET_NOT_FOUND", 404, "Tailnet not found."),
  /** The user does not exist in the tailnet. */
  USER_NOT_FOUND("USER_NOT_FOUND", 404, "User not found."),
  /** A user with this email already exists in the tailnet. */
  USER_EXISTS("USER_EXISTS", 409, "A user with this email already exists."),
  /** The auth key is unknown or malformed. */
  AUTH_KEY_INVALID("AUTH_KEY_INVALID", 401, "The auth key is invalid."),
  /** The auth key's expiry time has passed. */
  AUTH_KEY_EXPIRED("AUTH_KEY_EXPIRED", 401, "The auth key has expired."),
  /** The auth key was revoked by an administrator. */
  AUTH_KEY_REVOKED("AUTH_KEY_REVOKED", 401, "The auth key has been revoked."),
  /** The reusable auth key reached its usage limit. */
  AUTH_KEY_EXHAUSTED("AUTH_KEY_EXHAUSTED", 401, "The auth key has reached its usage limit."),
  /** The single-use auth key was already used by another node. */
  AUTH_KEY_USED("AUTH_KEY_USED", 401, "The auth key has already been used."),
  /** The auth key requests tags its creator may not assign. */
  AUTH_KEY_TAGS_FORBIDDEN("AUTH_KEY_TAGS_FORBIDDEN", 403, "The auth key's tags are not allowed."),
  /** The bearer token (API token or session JWT) is unknown or does not verify. */
  TOKEN_INVALID("TOKEN_INVALID", 401, "The token is invalid."),
  /** The token's expiry time has passed. */
  TOKEN_EXPIRED("TOKEN_EXPIRED", 401, "The token has expired."),
  /** The token was revoked. */
  TOKEN_REVOKED("TOKEN_REVOKED", 401, "The token has been revoked."),
  /** Wrong email or password (deliberately does not say which). */
  LOGIN_FAILED("LOGIN_FAILED", 401, "Login failed."),
  /** The password does not meet the length/strength rules. */
  PASSWORD_TOO_WEAK("PASSWORD_TOO_WEAK", 422, "The password is too weak."),
  /** The interactive login session (auth URL) is unknown or timed out. */
  LOGIN_SESSION_EXPIRED("LOGIN_SESSION_EXPIRED", 401, "The login session has expired."),
  /** OIDC single sign-on is not configured for this tailnet. */
  OIDC_NOT_CONFIGURED("OIDC_NOT_CONFIGURED", 404, "Single sign-on is not configured."),
  /** The OIDC callback's state parameter is unknown, reused or expired. */
  OIDC_STATE_INVALID("OIDC_STATE_INVALID", 400, "The sign-on state is invalid or expired."),
  /** The identity provider returned an error or an ID token that does not verify. */
  OIDC_TOKEN_INVALID("OIDC_TOKEN_INVALID", 401, "The identity provider's token is invalid."),
  /** The identity provider could not be reached (discovery, JWKS or token endpoint). */
  OIDC_PROVIDER_UNAVAILABLE(
      "OIDC_PROVIDER_UNAVAILABLE", 502, "The identity provider is unavailable."),
  /** The signed-in identity's email domain or claims are not allowed in this tailnet. */
  OIDC_USER_NOT_ALLOWED("OIDC_USER_NOT_ALLOWED", 403, "This account may not join the tailnet."),
  /** The JWT's signing key id (kid) is not in the JWKS. */
  SIGNING_KEY_UNKNOWN("SIGNING_KEY_UNKNOWN", 401, "The token's signing key is unknown."),

  // ---- Keys: nodes and their machine/node/disco keys -------------------------------------------
  /** No node with this id or key in the tailnet. */
  NODE_NOT_FOUND("NODE_NOT_FOUND", 404, "Node not found."),
  /** The node's key expiry time has passed; the device must re-authenticate. */
  NODE_KEY_EXPIRED("NODE_KEY_EXPIRED", 401, "The node key has expired; log in again."),
  /** The node key was revoked (node removed or key rotated away). */
  NODE_KEY_REVOKED("NODE_KEY_REVOKED", 401, "The node key has been revoked."),
  /** The tailnet requires device approval and an administrator has not approved this node yet. */
  NODE_NOT_APPROVED("NODE_NOT_APPROVED", 403, "The node is waiting for approval."),
  /** The node key is already registered to another machine. */
  NODE_KEY_IN_USE("NODE_KEY_IN_USE", 409, "The node key is registered to another machine."),
  /** A key in the request is not 32 bytes or not of the expected kind. */
  KEY_MALFORMED("KEY_MALFORMED", 400, "A key in the request is malformed."),
  /** The machine key does not match the one the node registered with. */
  MACHINE_KEY_MISMATCH("MACHINE_KEY_MISMATCH", 403, "The machine key does not match."),
  /** The requested hostname is not a valid DNS label. */
  HOSTNAME_INVALID("HOSTNAME_INVALID", 422, "The hostname is invalid."),

  // ---- IPAM: address allocation ---------------------------------------------------------------
  /** No free address is left in the tailnet's pool. */
  ADDRESS_EXHAUSTED("ADDRESS_EXHAUSTED", 507, "No free address is left in the tailnet."),
  /** The requested static address is taken by another node. */
  ADDRESS_IN_USE("ADDRESS_IN_USE", 409, "The address is in use by another node."),
  /** The requested address is outside the tailnet's prefixes. */
  ADDRESS_OUT_OF_RANGE("ADDRESS_OUT_OF_RANGE", 422, "The address is outside the tailnet range."),

  // ---- Policy: the HuJSON ACL policy
  // -------------------------------------------------------------
  /** The policy does not parse or does not validate; details list each error with its line. */
  POLICY_INVALID("POLICY_INVALID", 422, "The policy is invalid."),
  /** The policy parses but one of its embedded tests fails. */
  POLICY_TESTS_FAILED("POLICY_TESTS_FAILED", 422, "The policy's tests failed."),
  /** The edit was based on an older policy version than the current one (optimistic lock). */
  POLICY_VERSION_CONFLICT(
      "POLICY_VERSION_CONFLICT", 409, "The policy changed since you loaded it."),

  // ---- Coordinator: registration and the netmap stream
  // --------------------------------------------
  /** The agent's capability version is older than the oldest this coordinator supports. */
  CLIENT_TOO_OLD("CLIENT_TOO_OLD", 426, "This agent is too old; please upgrade."),
  /** The map stream's resume token is unknown or too old; the agent must request a full map. */
  RESUME_TOKEN_INVALID("RESUME_TOKEN_INVALID", 409, "The map resume token is not valid."),
  /** The interactive registration is still waiting for the user to log in. */
  REGISTRATION_PENDING("REGISTRATION_PENDING", 202, "Waiting for the user to log in."),
  /** The node has been logged out (removed or expired) and must register again. */
  NODE_LOGGED_OUT("NODE_LOGGED_OUT", 401, "The node is logged out."),

  // ---- Relay: packet relay and STUN -------------------------------------------------------------
  /** The relay client's proof of its node key did not verify. */
  RELAY_AUTH_FAILED("RELAY_AUTH_FAILED", 401, "Relay authentication failed."),
  /** The relay client's node is not authorized (unknown, expired or not approved). */
  RELAY_NODE_NOT_AUTHORIZED("RELAY_NODE_NOT_AUTHORIZED", 403, "The node may not use this relay."),
  /** The relay frame is malformed or exceeds the maximum frame size. */
  RELAY_FRAME_INVALID("RELAY_FRAME_INVALID", 400, "The relay frame is invalid."),
  /** The relay is at its connection limit; try another instance. */
  RELAY_OVERLOADED("RELAY_OVERLOADED", 503, "The relay is overloaded; try another.");

  private static final Map<String, ErrorCode> BY_CODE = new HashMap<>();

  static {
    for (ErrorCode c : values()) {
      if (BY_CODE.put(c.code, c) != null) {
        throw new ExceptionInInitializerError("duplicate error code " + c.code);
      }
    }
  }

  private final String code;
  private final int httpStatus;
  private final String defaultMessage;

  ErrorCode(String code, int httpStatus, String defaultMessage) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.defaultMessage = defaultMessage;
  }

  /** The stable wire code, e.g. {@code "AUTH_KEY_EXPIRED"}; never changes. */
  public String code() {
    return code;
  }

  /** The HTTP status a service answers with when it returns this error. */
  public int httpStatus() {
    return httpStatus;
  }

  /** A default human-readable message; may be reworded between releases, never parse it. */
  public String defaultMessage() {
    return defaultMessage;
  }

  /**
   * The constant for a wire code. Tolerant: {@code null}, empty, or a code this reader does not
   * know (from a newer peer) yields {@link #UNKNOWN}, never an exception.
   */
  public static ErrorCode fromCode(String code) {
    if (code == null) {
      return UNKNOWN;
    }
    return BY_CODE.getOrDefault(code, UNKNOWN);
  }

  /** Whether this is a real code rather than the {@link #UNKNOWN} fallback. */
  public boolean isKnown() {
    return this != UNKNOWN;
  }
}
