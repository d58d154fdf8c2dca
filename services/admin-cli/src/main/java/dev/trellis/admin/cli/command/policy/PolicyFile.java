package dev.trellis.admin.cli.command.policy;

import dev.trellis.admin.cli.failure.UsageException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a policy file named on the command line: UTF-8 text of at most 1 MiB; a missing,
 * unreadable, oversized or non-UTF-8 file is a usage error naming the file.
 *
 * <p>Stateless.
 */
final class PolicyFile {
  static final long MAX_BYTES = 1 << 20;

  private PolicyFile() {}

  static String read(String name) throws UsageException {
    Path path = Path.of(name);
    try {
      if (Files.size(path) > MAX_BYTES) {
        throw new UsageException(name + ": larger than 1 MiB; not a policy file");
      }
      byte[] bytes = Files.readAllBytes(path);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (NoSuchFileException e) {
      throw new UsageException(name + ": no such file");
    } catch (CharacterCodingException e) {
      throw new UsageException(name + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UsageException(name + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
