package dev.trellis.coordinator.controlkey;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.key.MachinePrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The deployment's control key (the coordinator's static X25519 key of the device channel): one key
 * for every instance, agreed through Hazelcast ({@code putIfAbsent}) and kept in each instance's
 * state directory ({@code coordinator/control.key}, mode 0600), so that a restart of the whole
 * cluster brings the same key back and pinned agents keep working.
 *
 * <p>Thread-safety: {@link #load} blocks (file and Hazelcast I/O): call it on a worker.
 */
public final class ControlKeyStore {
  /** Private Hazelcast map of the coordinator: "control" to the key's secret text. */
  public static final String MAP = "coordinator-private.control-key";

  private ControlKeyStore() {}

  /** The deployment's control key: the cluster's, else this instance's file, else a new one. */
  public static MachinePrivateKey load(HazelcastInstance hazelcast, Path stateDir)
      throws IOException {
    Path file = stateDir.resolve("coordinator").resolve("control.key");
    String mine = null;
    if (Files.exists(file)) {
      mine = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        MachinePrivateKey.parse(mine);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            file + " is not a control key (" + e.getMessage() + "); refusing to replace it", e);
      }
    }
    IMap<String, String> map = hazelcast.getMap(MAP);
    String candidate = mine != null ? mine : MachinePrivateKey.generate().toSecretText();
    String existing = map.putIfAbsent("control", candidate);
    String winner = existing != null ? existing : candidate;
    if (!winner.equals(mine)) {
      write(file, winner);
    }
    return MachinePrivateKey.parse(winner);
  }

  private static void write(Path file, String secret) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("control.key.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, secret + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
