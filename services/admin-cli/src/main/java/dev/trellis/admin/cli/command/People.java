package dev.trellis.admin.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.ApiException;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who the ids in an answer are, for a person reading a table: users by email ({@code GET
 * /api/v1/users}) and API tokens by their description ({@code GET /api/v1/tokens}), in one tailnet.
 * A list the token may not read leaves those ids as they are (an auditor sees ids, not an error).
 *
 * <p>Immutable once loaded, so safe to share between threads.
 */
public final class People {
  private final Map<String, String> emails;
  private final Map<String, JsonNode> tokens;

  private People(Map<String, String> emails, Map<String, JsonNode> tokens) {
    this.emails = emails;
    this.tokens = tokens;
  }

  /** No names known: every id shows as itself. */
  public static People none() {
    return new People(Map.of(), Map.of());
  }

  /**
   * The users (and, with {@code withTokens}, the API tokens) of {@code tailnet} (name or id; the
   * token's own when null).
   */
  public static People load(Invocation inv, String tailnet, boolean withTokens)
      throws AdminCliException, InterruptedException {
    String query = new QueryString().addIfPresent("tailnet", tailnet).toString();
    Map<String, String> emails = new HashMap<>();
    for (JsonNode u : list(inv, "/api/v1/users" + query, "users")) {
      emails.put(u.path("id").asText(), u.path("email").asText());
    }
    Map<String, JsonNode> tokens = new HashMap<>();
    if (withTokens) {
      for (JsonNode t : list(inv, "/api/v1/tokens" + query, "tokens")) {
        tokens.put(t.path("id").asText(), t);
      }
    }
    return new People(Map.copyOf(emails), Map.copyOf(tokens));
  }

  private static List<JsonNode> list(Invocation inv, String path, String field)
      throws AdminCliException, InterruptedException {
    try {
      JsonNode root = ResponseFields.object(AdminClient.parse(inv.client().get(path)), field);
      List<JsonNode> out = new ArrayList<>();
      ResponseFields.array(root, field).forEach(out::add);
      return out;
    } catch (ApiException | ResponseException e) {
      return List.of();
    }
  }

  /** The user's email, or the id when unknown. */
  public String user(String userId) {
    String email = emails.get(userId);
    return email == null || email.isEmpty() ? userId : email;
  }

  /** A node's owner: its tags when tagged, else its user's email (or id); null when neither. */
  public String owner(JsonNode node) {
    StringBuilder tags = new StringBuilder();
    node.path("tags").forEach(t -> tags.append(tags.isEmpty() ? "" : ",").append(t.asText()));
    if (!tags.isEmpty()) {
      return tags.toString();
    }
    String user = node.path("userId").asText();
    return user.isEmpty() ? null : user(user);
  }

  /**
   * An audit event's actor ({@code kind}, {@code id}, {@code display}): a user as their email, an
   * API token as its description and its owner's email ({@code "ci deploy" (token of
   * alice@example.com)}), anything else by its display name, id, or kind.
   */
  public String actor(JsonNode actor) {
    String kind = actor.path("kind").asText();
    String id = actor.path("id").asText();
    if (kind.equals("USER") && emails.containsKey(id)) {
      return user(id);
    }
    JsonNode token = tokens.get(id);
    if (kind.equals("API_TOKEN") && token != null) {
      String description = token.path("description").asText();
      String owner = token.path("ownerUserId").asText();
      String name =
          description.isBlank() ? token.path("prefix").asText(id) : "\"" + description + "\"";
      return name + " (token" + (owner.isEmpty() ? "" : " of " + user(owner)) + ")";
    }
    for (String field : List.of("display", "id", "kind")) {
      JsonNode v = actor.path(field);
      if (v.isValueNode() && !v.asText().isBlank()) {
        return field.equals("kind") ? v.asText().toLowerCase(Locale.ROOT) : v.asText();
      }
    }
    return "-";
  }
}
