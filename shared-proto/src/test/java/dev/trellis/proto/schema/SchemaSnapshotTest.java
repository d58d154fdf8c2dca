package dev.trellis.proto.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.schema.SchemaSnapshot.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fails when the current schemas are not a backward-compatible evolution of the checked-in snapshot
 * {@code src/test/resources/schema-snapshot.txt}. New fields are fine; to pin them, run {@code mvn
 * -o -f shared-proto/pom.xml verify -Dtest=SchemaSnapshotTest -Dtrellis.schema.update=true}, which
 * rewrites the snapshot (keeping retired entries, so a reserved number stays guarded) only if the
 * schema is compatible.
 */
class SchemaSnapshotTest {
  private static final Path SNAPSHOT = Path.of("src/test/resources/schema-snapshot.txt");

  @Test
  void currentSchemaIsCompatibleWithTheSnapshot() throws IOException {
    List<Entry> pinned = SchemaSnapshot.parse(Files.readString(SNAPSHOT, StandardCharsets.UTF_8));
    List<Entry> current = SchemaSnapshot.of(Schemas.files());

    assertEquals(List.of(), SchemaCompatibility.check(pinned, Schemas.files()));
    if (Boolean.getBoolean("trellis.schema.update")) {
      write(pinned, current);
      return;
    }
    assertTrue(pinned.size() > 300, "snapshot has only " + pinned.size() + " entries");

    Set<Entry> unpinned = new LinkedHashSet<>(current);
    pinned.forEach(unpinned::remove);
    if (!unpinned.isEmpty()) {
      System.out.println(
          "Schema entries not yet in the snapshot (compatible; pin them with"
              + " -Dtrellis.schema.update=true):");
      unpinned.forEach(e -> System.out.println("  " + e));
    }
  }

  @Test
  void snapshotHasNoDuplicateNumbers() throws IOException {
    Set<String> keys = new HashSet<>();
    for (Entry e : SchemaSnapshot.parse(Files.readString(SNAPSHOT, StandardCharsets.UTF_8))) {
      assertTrue(keys.add(e.container() + "#" + e.number()), "listed twice: " + e);
    }
  }

  private static void write(List<Entry> pinned, List<Entry> current) throws IOException {
    Set<String> currentKeys = new HashSet<>();
    current.forEach(e -> currentKeys.add(e.container() + "#" + e.number()));
    List<String> lines = new ArrayList<>();
    lines.add("# The wire contract of every Trellis schema: message.field = number:type, and");
    lines.add(
        "# enum.VALUE = number:enum-value. SchemaSnapshotTest fails if a number is reused with");
    lines.add("# another type or name, or an entry disappears without its number and name being");
    lines.add("# reserved. Regenerate (only ever grows) with -Dtrellis.schema.update=true.");
    current.forEach(e -> lines.add(e.toString()));
    for (Entry e : pinned) {
      if (!currentKeys.contains(e.container() + "#" + e.number())) {
        lines.add(e + "  # retired: reserved in the schema");
      }
    }
    Files.write(SNAPSHOT, lines, StandardCharsets.UTF_8);
  }
}
