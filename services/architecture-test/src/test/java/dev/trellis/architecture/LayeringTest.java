package dev.trellis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's layering rules, checked over the compiled classes of every module: each service
 * depends on shared-proto and the service runtime but never on another service; the agent never
 * depends on a service or on Vert.x; shared-proto depends on nothing of Vert.x. The policy engine
 * ({@value #ENGINE}) is a library like shared-proto, with a package root of its own: services may
 * import it, it imports no service, runtime, Vert.x or Hazelcast. The agent's packet path touches
 * no JSON or HTTP, and no package is part of a dependency cycle.
 */
class LayeringTest {
  private static final List<String> SERVICES =
      List.of("identity", "keys", "ipam", "policy", "coordinator", "relay");

  /** The policy engine library: pure logic that the policy service and the coordinator share. */
  static final String ENGINE = "dev.trellis.policyengine..";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.trellis");
  }

  @Test
  void everyModuleIsImported() {
    for (String pkg :
        List.of(
            "dev.trellis.proto",
            "dev.trellis.runtime",
            "dev.trellis.policyengine",
            "dev.trellis.agent",
            "dev.trellis.server",
            "dev.trellis.admin.cli")) {
      if (classes.stream().noneMatch(c -> c.getPackageName().startsWith(pkg))) {
        throw new AssertionError(
            "no classes imported from " + pkg + ": the rules would be vacuous");
      }
    }
  }

  @Test
  void servicesNeverImportEachOther() {
    for (String service : SERVICES) {
      String own = "dev.trellis." + service + "..";
      String[] others =
          SERVICES.stream()
              .filter(s -> !s.equals(service))
              .map(s -> "dev.trellis." + s + "..")
              .toArray(String[]::new);
      ArchRule rule =
          noClasses()
              .that()
              .resideInAPackage(own)
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(others)
              .because("services talk through events and shared state, never through code");
      rule.check(classes);
    }
  }

  @Test
  void servicesNeverImportTheServerOrTheAgent() {
    String[] services =
        SERVICES.stream().map(s -> "dev.trellis." + s + "..").toArray(String[]::new);
    noClasses()
        .that()
        .resideInAnyPackage(services)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.trellis.server..", "dev.trellis.agent..", "dev.trellis.admin..")
        .check(classes);
  }

  @Test
  void runtimeNeverImportsAService() {
    String[] services =
        SERVICES.stream().map(s -> "dev.trellis." + s + "..").toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage("dev.trellis.runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(services)
        .check(classes);
  }

  @Test
  void agentNeverImportsAServiceOrTheRuntime() {
    String[] forbidden =
        java.util.stream.Stream.concat(
                SERVICES.stream().map(s -> "dev.trellis." + s + ".."),
                java.util.stream.Stream.of(
                    "dev.trellis.runtime..",
                    "dev.trellis.server..",
                    "io.vertx..",
                    "com.hazelcast.."))
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage("dev.trellis.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("the agent is a separate program that speaks only the device protocol")
        .check(classes);
  }

  @Test
  void policyEngineIsALibrary() {
    String[] forbidden =
        java.util.stream.Stream.concat(
                SERVICES.stream().map(s -> "dev.trellis." + s + ".."),
                java.util.stream.Stream.of(
                    "dev.trellis.runtime..",
                    "dev.trellis.server..",
                    "dev.trellis.agent..",
                    "dev.trellis.admin..",
                    "io.vertx..",
                    "io.netty..",
                    "com.hazelcast..",
                    "org.apache.kafka.."))
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage(ENGINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("the engine is pure logic shared by the policy service, the coordinator and load/")
        .check(classes);
  }

  @Test
  void sharedProtoImportsNothingOfVertx() {
    noClasses()
        .that()
        .resideInAPackage("dev.trellis.proto..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx..",
            "io.netty..",
            "com.hazelcast..",
            "org.apache.kafka..",
            "dev.trellis.runtime..")
        .check(classes);
  }

  @Test
  void agentPacketPathNeverTouchesJsonOrHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.trellis.agent.wireguard..",
            "dev.trellis.agent.device..",
            "dev.trellis.agent.tun..",
            "dev.trellis.agent.bind..",
            "dev.trellis.agent.crypto..",
            "dev.trellis.agent.paths..",
            "dev.trellis.agent.filter..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "com.fasterxml.jackson..", "java.net.http..", "com.google.protobuf.util..")
        .check(classes);
  }

  /**
   * No package depends on itself through others, within any module: every {@code dev.trellis}
   * package is its own slice (a module's packages cannot form a cycle with another module's, since
   * Maven modules cannot). A package that composes its subpackages' parts stays above them: the
   * admin CLI's command registry lives in {@code admin.cli}, above {@code admin.cli.command}, and
   * the coordinator's model loop in {@code coordinator.loop}, below the feed and the registrar.
   */
  @Test
  void packagesHaveNoCycles() {
    slices()
        .matching("dev.trellis.(**)")
        .should()
        .beFreeOfCycles()
        .because("a cycle makes every package in it one unit that cannot be read or changed alone")
        .check(classes);
  }

  @Test
  void theResolverStaysOutOfThePacketPath() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.trellis.agent.wireguard..",
            "dev.trellis.agent.device..",
            "dev.trellis.agent.tun..",
            "dev.trellis.agent.bind..",
            "dev.trellis.agent.crypto..",
            "dev.trellis.agent.paths..",
            "dev.trellis.agent.filter..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.trellis.agent.dns..", "org.xbill.DNS..")
        .because(
            "DNS queries reach the resolver through the kernel (lo), never through the WireGuard"
                + " pipeline, so a slow or hostile query cannot block the data plane")
        .check(classes);
  }
}
