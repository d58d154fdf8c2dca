package dev.trellis.admin.cli.command.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.admin.cli.command.People;
import dev.trellis.admin.cli.output.Cells;
import dev.trellis.admin.cli.output.Table;
import java.util.List;
import java.util.Optional;

/**
 * Turns one NDJSON audit event into one table line, {@code TIME ACTOR TYPE SUBJECT}, with fixed
 * column widths so that lines can be printed one by one as they arrive (a wider value pushes the
 * rest of its line right). TIME is UTC ISO-8601 at seconds precision; TYPE is the event type
 * without its package ({@code trellis.event.v1.NodeRegistered} prints as {@code NodeRegistered}).
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class AuditLine {
  /** The package prefix of event types, added to a short {@code --type}. */
  public static final String TYPE_PACKAGE = "trellis.event.v1.";

  private static final int[] WIDTHS = {20, 20, 24, 0};
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLine() {}

  /** The header line. */
  public static String header() {
    return Table.line(List.of("TIME", "ACTOR", "TYPE", "SUBJECT"), WIDTHS);
  }

  /**
   * The table line for one NDJSON line, or empty when the line is not a JSON object with at least a
   * time and a type (the caller counts and reports it).
   */
  public static Optional<String> format(String ndjsonLine) {
    return cells(ndjsonLine, People.none()).map(c -> Table.line(c, WIDTHS));
  }

  /**
   * The cells ({@code TIME ACTOR TYPE SUBJECT}) of one NDJSON line, actors named by {@code people},
   * or empty when the line is not a JSON object with at least a time and a type.
   */
  public static Optional<List<String>> cells(String ndjsonLine, People people) {
    JsonNode event;
    try {
      event = JSON.readTree(ndjsonLine);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (event == null || !event.isObject()) {
      return Optional.empty();
    }
    JsonNode time = event.get("time");
    JsonNode type = event.get("type");
    if (time == null || !time.isTextual() || type == null || !type.isTextual()) {
      return Optional.empty();
    }
    String subject = event.path("subject").isValueNode() ? event.path("subject").asText() : "";
    List<String> cells =
        List.of(
            Cells.utcSeconds(time.asText()),
            Cells.printable(people.actor(event.path("actor"))),
            Cells.printable(shortType(type.asText())),
            Cells.printable(subject.isEmpty() ? "-" : subject));
    return Optional.of(cells);
  }

  /** One streamed line (fixed widths, for --follow) of {@code cells}. */
  public static String line(List<String> cells) {
    return Table.line(cells, WIDTHS);
  }

  /** The type without its package: the part after the last dot. */
  public static String shortType(String type) {
    int dot = type.lastIndexOf('.');
    return dot >= 0 && dot < type.length() - 1 ? type.substring(dot + 1) : type;
  }

  /** A {@code --type} as the server expects it: a short name gets the event package. */
  public static String fullType(String type) {
    return type.indexOf('.') >= 0 ? type : TYPE_PACKAGE + type;
  }
}
