package dev.trellis.admin.cli.command.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.http.ResponseFields;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code users set-password [USER] [--password-file FILE] [--tailnet T]}: POST
 * /api/v1/users/{id}/password. USER is a user id or email (looked up in the tailnet's users); none
 * means the token's owner ({@code me}). The password comes from FILE (its first line) or, on a
 * terminal, from a prompt without echo, asked twice; never from the command line, where other users
 * could read it in the process list. The server decides who may: a user sets their own, an owner or
 * admin anyone's in their tailnet.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class UsersSetPassword implements Command {
  /** Shortest password the server accepts (checked here too, before anything is sent). */
  static final int MIN = 12;

  static final int MAX = 1024;

  @Override
  public List<String> path() {
    return List.of("users", "set-password");
  }

  @Override
  public String arguments() {
    return "[USER] [--password-file FILE] [--tailnet T]";
  }

  @Override
  public String summary() {
    return "set a user's password for the login page (default: your own; prompts without echo)";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("password-file", "FILE", "read the password from FILE's first line"),
        Option.valued("tailnet", "T", "the tailnet to find USER's email in"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> words = inv.args().positionals();
    if (words.size() > 1) {
      throw new UsageException("unexpected argument '" + words.get(1) + "'");
    }
    String who = words.isEmpty() ? "me" : words.getFirst();
    char[] password =
        inv.args().value("password-file").isPresent()
            ? fromFile(inv.args().value("password-file").get())
            : prompt(who);
    try {
      String id = who.contains("@") ? byEmail(inv, who) : Segments.of("USER", who);
      String body =
          AdminClient.json().createObjectNode().put("password", new String(password)).toString();
      inv.client().post("/api/v1/users/" + id + "/password", body);
    } finally {
      Arrays.fill(password, '\0');
    }
    inv.out().println(who.equals("me") ? "your password is set" : "password set for " + who);
    inv.out().flush();
    return 0;
  }

  private static String byEmail(Invocation inv, String email)
      throws AdminCliException, InterruptedException {
    String query =
        new QueryString()
            .addIfPresent("tailnet", inv.args().value("tailnet").orElse(null))
            .toString();
    JsonNode root =
        ResponseFields.object(
            AdminClient.parse(inv.client().get("/api/v1/users" + query)), "users");
    for (JsonNode u : ResponseFields.array(root, "users")) {
      if (u.path("email").asText().equalsIgnoreCase(email.strip())) {
        return Segments.of("USER", u.path("id").asText());
      }
    }
    throw new UsageException("no user with the email " + email.toLowerCase(Locale.ROOT));
  }

  /** The first line of {@code file}, checked for length; a usage error names what is wrong. */
  static char[] fromFile(String file) throws UsageException {
    String text;
    try {
      byte[] raw = Files.readAllBytes(Path.of(file));
      if (raw.length > MAX * 4 + 2) {
        throw new UsageException("--password-file " + file + ": over " + MAX + " characters");
      }
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw new UsageException("--password-file " + file + ": not UTF-8 text");
    } catch (IOException | InvalidPathException e) {
      throw new UsageException("--password-file " + file + ": cannot read it: " + e.getMessage());
    }
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    return check(line.toCharArray(), "--password-file " + file + ": the password");
  }

  private static char[] prompt(String who) throws UsageException {
    Console console = System.console();
    if (console == null || !console.isTerminal()) {
      throw new UsageException(
          "no terminal to ask for the password on; give it with --password-file FILE");
    }
    String whose = who.equals("me") ? "your" : who + "'s";
    char[] first = console.readPassword("New password for %s account: ", whose);
    char[] second = console.readPassword("Again: ");
    if (first == null || second == null) {
      throw new UsageException("no password given");
    }
    try {
      if (!Arrays.equals(first, second)) {
        throw new UsageException("the two passwords differ; nothing changed");
      }
      return check(first.clone(), "the password");
    } finally {
      Arrays.fill(first, '\0');
      Arrays.fill(second, '\0');
    }
  }

  private static char[] check(char[] p, String what) throws UsageException {
    if (p.length < MIN || p.length > MAX) {
      Arrays.fill(p, '\0');
      throw new UsageException(what + " must have " + MIN + " to " + MAX + " characters");
    }
    return p;
  }
}
