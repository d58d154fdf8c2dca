package dev.trellis.proto.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Events are kept forever and replayed into audit output, so they must never carry a secret: a
 * string or bytes field whose name speaks of a secret must be a reference to it (an id, digest,
 * prefix or reference), never the thing itself.
 */
class EventSchemaSecretsTest {
  private static final Pattern SECRETISH =
      Pattern.compile("secret|password|passphrase|private|token|auth_key|invite_code|credential");
  private static final Pattern REFERENCE = Pattern.compile(".*(_id|_hash|_sha256|_ref|prefix)$");

  @Test
  void noEventFieldCarriesASecret() {
    List<String> offenders = new ArrayList<>();
    for (Descriptor d : Schemas.messages()) {
      if (!d.getFile().getPackage().equals("trellis.event.v1")) {
        continue;
      }
      for (FieldDescriptor f : d.getFields()) {
        boolean canHoldSecret =
            f.getType() == FieldDescriptor.Type.STRING || f.getType() == FieldDescriptor.Type.BYTES;
        if (canHoldSecret
            && SECRETISH.matcher(f.getName()).find()
            && !REFERENCE.matcher(f.getName()).matches()) {
          offenders.add(f.getFullName());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }
}
