package dev.trellis.proto.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compatibility checker itself, on small synthetic schemas: it must catch each breakage. */
class SchemaCompatibilityTest {

  private static final String V1 =
      """
      message_type {
        name: "M"
        field { name: "a" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
        field { name: "b" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }
      }
      enum_type {
        name: "E"
        value { name: "E_UNSPECIFIED" number: 0 }
        value { name: "X" number: 1 }
      }
      """;

  private static List<String> problems(String v1, String v2) throws Exception {
    return SchemaCompatibility.check(SchemaSnapshot.of(List.of(file(v1))), List.of(file(v2)));
  }

  private static FileDescriptor file(String body) throws Exception {
    FileDescriptorProto.Builder b =
        FileDescriptorProto.newBuilder().setName("t.proto").setPackage("t.v1").setSyntax("proto3");
    TextFormat.merge(body, b);
    return FileDescriptor.buildFrom(b.build(), new FileDescriptor[0]);
  }

  @Test
  void identicalSchemaIsCompatible() throws Exception {
    assertEquals(List.of(), problems(V1, V1));
  }

  @Test
  void addingFieldsValuesAndMessagesIsCompatible() throws Exception {
    String v2 =
        V1.replace(
                    "number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }",
                    "number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }\n"
                        + "  field { name: \"c\" number: 3 type: TYPE_BOOL label: LABEL_OPTIONAL }")
                .replace(
                    "value { name: \"X\" number: 1 }",
                    "value { name: \"X\" number: 1 } value { name: \"Y\" number: 2 }")
            + "message_type { name: \"N\" }";
    assertTrue(v2.contains("\"c\"") && v2.contains("\"Y\""), v2);
    assertEquals(List.of(), problems(V1, v2));
  }

  @Test
  void reusingAFieldNumberWithAnotherTypeIsRefused() throws Exception {
    List<String> p =
        problems(V1, V1.replace("number: 2 type: TYPE_INT32", "number: 2 type: TYPE_STRING"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("now has type string"), p.toString());
  }

  @Test
  void changingCardinalityIsRefused() throws Exception {
    List<String> p =
        problems(
            V1,
            V1.replace(
                "number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL",
                "number: 2 type: TYPE_INT32 label: LABEL_REPEATED"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("repeated int32"), p.toString());
  }

  @Test
  void removingAFieldWithoutReservingIsRefused() throws Exception {
    String v2 =
        V1.replace("field { name: \"b\" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }", "");
    List<String> p = problems(V1, v2);
    assertEquals(2, p.size(), p.toString()); // number and name
  }

  @Test
  void removingAFieldWithNumberAndNameReservedIsCompatible() throws Exception {
    String v2 =
        V1.replace(
            "field { name: \"b\" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL }",
            "reserved_range { start: 2 end: 3 } reserved_name: \"b\"");
    assertEquals(List.of(), problems(V1, v2));
  }

  @Test
  void renamingAFieldIsRefused() throws Exception {
    List<String> p = problems(V1, V1.replace("name: \"a\"", "name: \"z\""));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("renamed"), p.toString());
  }

  @Test
  void removingAMessageOrEnumOrEnumValueIsRefused() throws Exception {
    assertTrue(
        problems(V1, V1.replaceAll("(?s)message_type \\{.*?\\n}\\n", ""))
            .get(0)
            .contains("message t.v1.M disappeared"));
    assertEquals(2, problems(V1, V1.replace("value { name: \"X\" number: 1 }", "")).size());
    assertEquals(
        List.of(),
        problems(
            V1,
            V1.replace(
                "value { name: \"X\" number: 1 }",
                "reserved_range { start: 1 end: 1 } reserved_name: \"X\"")));
  }

  @Test
  void snapshotTextRoundTrips() throws Exception {
    var entries = SchemaSnapshot.of(List.of(file(V1)));
    StringBuilder text = new StringBuilder("# comment\n");
    entries.forEach(e -> text.append(e).append('\n'));
    assertEquals(entries, SchemaSnapshot.parse(text.toString()));
  }
}
