package dev.trellis.admin.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.output.Table;
import java.util.List;

/**
 * How one kind of object the admin API answers (a tailnet, a user, a token, an auth key, a node) is
 * shown as a table: its column headers, and the cells of one object. {@link Answers} prints lists
 * and single objects with it.
 *
 * <p>Immutable, so safe to share between threads.
 *
 * @param headers the column headers
 * @param cells the cells of one object, one per header
 */
public record RowFormat(List<String> headers, Cells cells) {
  /** The cells of one object. */
  @FunctionalInterface
  public interface Cells {
    /**
     * The cells of {@code object}, one per header ({@code null} prints as {@code -}).
     *
     * @throws ResponseException if the server's answer is not such an object
     */
    String[] of(JsonNode object) throws ResponseException;
  }

  public RowFormat {
    headers = List.copyOf(headers);
  }

  /** An empty table with these headers. */
  Table table() {
    return new Table(headers.toArray(String[]::new));
  }
}
