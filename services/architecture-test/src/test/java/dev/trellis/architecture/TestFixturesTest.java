package dev.trellis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.trellis.architecture.probe.ProbeOnATestSource;
import dev.trellis.architecture.probe.ProbeOnTheTestKit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production code never depends on test fixtures: not on the test kits ({@value #TEST_KITS}: the
 * service cluster harness, the test tags, free ports), not on classes of any module's test sources
 * (the agent's in-memory twins {@code MemoryTun}, {@code MemoryBind}, {@code MemoryNetwork}, {@code
 * MemoryRelay} and {@code TestClock} live there, shipped to other modules' tests as the agent's
 * test-jar), and not on test frameworks. A Trellis class that production code uses must itself be
 * production code: one of the classes imported from the modules' main outputs.
 */
class TestFixturesTest {
  /** The test kits' package root (modules {@code testkit-base} and {@code services/testkit}). */
  static final String TEST_KITS = "dev.trellis.testkit";

  private static final List<String> TEST_FRAMEWORKS =
      List.of("org.junit.", "org.opentest4j.", "net.jqwik.", "com.tngtech.archunit.");

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.trellis");
  }

  /** The rule over {@code classes}, the production classes it judges. */
  static ArchRule productionNeverDependsOnTestFixtures(JavaClasses classes) {
    Set<String> productionNames =
        classes.stream()
            .filter(c -> !c.getPackageName().startsWith(TEST_KITS))
            .map(JavaClass::getName)
            .collect(Collectors.toSet());
    DescribedPredicate<JavaClass> fixtures =
        new DescribedPredicate<>("test fixtures (test kits, test sources, test frameworks)") {
          @Override
          public boolean test(JavaClass c) {
            String n = c.getName();
            return n.startsWith(TEST_KITS + ".")
                || TEST_FRAMEWORKS.stream().anyMatch(n::startsWith)
                || (n.startsWith("dev.trellis.") && !productionNames.contains(n));
          }
        };
    return noClasses()
        .that()
        .resideInAPackage("dev.trellis..")
        .and()
        .resideOutsideOfPackage(TEST_KITS + "..")
        .should()
        .dependOnClassesThat(fixtures)
        .because("test twins and harnesses stay in tests, as wireguard-go keeps tun/tuntest");
  }

  @Test
  void productionClassesNeverDependOnTestFixtures() {
    assertTrue(
        production.stream().anyMatch(c -> c.getName().equals("dev.trellis.agent.tun.Tun")),
        "the agent's production classes are imported");
    assertTrue(
        production.stream().noneMatch(c -> c.getSimpleName().equals("MemoryTun")),
        "the twins are not production classes");
    productionNeverDependsOnTestFixtures(production).check(production);
  }

  @Test
  void theRuleCatchesAClassUsingTheTestKitOrATestSource() {
    JavaClasses onKit = new ClassFileImporter().importClasses(ProbeOnTheTestKit.class);
    AssertionError kit =
        assertThrows(
            AssertionError.class, () -> productionNeverDependsOnTestFixtures(onKit).check(onKit));
    assertTrue(kit.getMessage().contains("FreePorts"), kit.getMessage());
    JavaClasses onSource = new ClassFileImporter().importClasses(ProbeOnATestSource.class);
    AssertionError source =
        assertThrows(
            AssertionError.class,
            () -> productionNeverDependsOnTestFixtures(onSource).check(onSource));
    assertTrue(source.getMessage().contains("ProbeTwin"), source.getMessage());
  }
}
