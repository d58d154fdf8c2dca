package dev.trellis.proto.schema;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support: every Trellis schema file and message, discovered from the descriptor set protoc
 * writes at build time (see shared-proto/pom.xml), resolved to the compiled-in descriptors of the
 * generated classes. A new .proto file or message is picked up without editing any test.
 *
 * <p>Thread-safety: stateless.
 */
public final class Schemas {
  private static final Path DESCRIPTOR_SET =
      Path.of("target/generated-resources/protobuf/descriptor-sets/trellis-schema.protobin");

  private Schemas() {}

  /** The compiled-in descriptor of every .proto file under trellis/, sorted by name. */
  public static List<FileDescriptor> files() {
    List<FileDescriptor> files = new ArrayList<>();
    for (FileDescriptorProto f : readSet().getFileList()) {
      if (f.getName().startsWith("trellis/")) {
        files.add(compiledFile(f));
      }
    }
    files.sort((a, b) -> a.getName().compareTo(b.getName()));
    if (files.isEmpty()) {
      throw new IllegalStateException("no trellis/ files in " + DESCRIPTOR_SET.toAbsolutePath());
    }
    return files;
  }

  /** Every message (top-level and nested, without synthetic map entries) of every file. */
  public static List<Descriptor> messages() {
    List<Descriptor> all = new ArrayList<>();
    for (FileDescriptor f : files()) {
      for (Descriptor d : f.getMessageTypes()) {
        collect(d, all);
      }
    }
    return all;
  }

  private static void collect(Descriptor d, List<Descriptor> out) {
    if (d.getOptions().getMapEntry()) {
      return;
    }
    out.add(d);
    for (Descriptor nested : d.getNestedTypes()) {
      collect(nested, out);
    }
  }

  /** The generated class's default instance for a message descriptor. */
  public static Message defaultInstance(Descriptor d) {
    try {
      Class<?> c = Class.forName(javaClassName(d));
      return (Message) c.getMethod("getDefaultInstance").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no generated class for " + d.getFullName(), e);
    }
  }

  private static String javaClassName(Descriptor d) {
    StringBuilder nested = new StringBuilder(d.getName());
    for (Descriptor p = d.getContainingType(); p != null; p = p.getContainingType()) {
      nested.insert(0, p.getName() + "$");
    }
    FileDescriptor f = d.getFile();
    if (!f.getOptions().getJavaMultipleFiles()) {
      throw new IllegalStateException(f.getName() + " must set java_multiple_files = true");
    }
    return f.getOptions().getJavaPackage() + "." + nested;
  }

  private static FileDescriptor compiledFile(FileDescriptorProto f) {
    String pkg = f.getOptions().getJavaPackage();
    try {
      for (DescriptorProto m : f.getMessageTypeList()) {
        Class<?> c = Class.forName(pkg + "." + m.getName());
        return ((Descriptor) c.getMethod("getDescriptor").invoke(null)).getFile();
      }
      for (EnumDescriptorProto e : f.getEnumTypeList()) {
        Class<?> c = Class.forName(pkg + "." + e.getName());
        return ((com.google.protobuf.Descriptors.EnumDescriptor)
                c.getMethod("getDescriptor").invoke(null))
            .getFile();
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load generated code of " + f.getName(), e);
    }
    throw new IllegalStateException(f.getName() + " declares no message or enum");
  }

  private static FileDescriptorSet readSet() {
    try (InputStream in = Files.newInputStream(DESCRIPTOR_SET)) {
      return FileDescriptorSet.parseFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "descriptor set missing; run the build (protoc writes it): " + DESCRIPTOR_SET, e);
    }
  }
}
