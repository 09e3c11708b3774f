package org.zfleet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the pure packages pure: planning, pruning, schedules, shared values and configuration are
 * functions over values, testable without starting anything. They must not reach for actors,
 * processes, files or the wall clock; time comes in as an argument.
 */
class ArchitectureTest {

  private static final String[] PURE = {
    "org.zfleet.plan..",
    "org.zfleet.prune..",
    "org.zfleet.schedule..",
    "org.zfleet.cycle..",
    "org.zfleet.model.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.zfleet");
  }

  @Test
  void purePackagesUseNoPekko() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(PURE)
            .or()
            .resideInAPackage("org.zfleet.config..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.apache.pekko.."));
  }

  @Test
  void purePackagesStartNoProcesses() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(PURE)
            .or()
            .resideInAPackage("org.zfleet.config..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName(Process.class.getName())
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName(ProcessBuilder.class.getName())
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName(ProcessHandle.class.getName()));
  }

  @Test
  void purePackagesTouchNoFiles() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(PURE)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("java.nio.file..")
            .orShould()
            .dependOnClassesThat()
            .haveNameMatching(
                "java\\.io\\.(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile)"));
  }

  @Test
  void purePackagesReadNoWallClock() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(PURE)
            .or()
            .resideInAPackage("org.zfleet.config..")
            .should()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(java.time.Clock.class, "systemUTC")
            .orShould()
            .callMethod(java.time.Clock.class, "systemDefaultZone")
            .orShould()
            .callMethod(java.time.LocalDateTime.class, "now")
            .orShould()
            .callMethod(java.time.ZonedDateTime.class, "now")
            .orShould()
            .callMethod(java.time.OffsetDateTime.class, "now"));
  }

  @Test
  void purePackagesUseNoNetwork() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(PURE)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("java.net.."));
  }

  /** The cycle's planner and specs are data and functions: no actor, port or step body. */
  @Test
  void thePlannerKnowsNoActorsPortsOrStepBodies() {
    check(
        noClasses()
            .that()
            .resideInAPackage("org.zfleet.cycle..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "org.zfleet.job..",
                "org.zfleet.replication..",
                "org.zfleet.endpoint..",
                "org.zfleet.transfer..",
                "org.zfleet.zfs.."));
  }

  /**
   * Time comes from an injected {@link java.time.Clock}; the node makes the one system clock. A
   * monotonic {@code System.nanoTime()} for durations is allowed outside the pure packages.
   */
  @Test
  void noMainClassReadsTheWallClock() {
    check(
        noClasses()
            .should()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(java.time.Clock.class, "systemUTC")
            .orShould()
            .callMethod(java.time.Clock.class, "systemDefaultZone")
            .orShould()
            .callMethod(java.time.LocalDateTime.class, "now")
            .orShould()
            .callMethod(java.time.LocalDate.class, "now")
            .orShould()
            .callMethod(java.time.ZonedDateTime.class, "now")
            .orShould()
            .callMethod(java.time.OffsetDateTime.class, "now"));
  }

  /**
   * The host name is asked in one place. {@code ConfigLoader.localHostName} (config's fallback for
   * a load without a host name) is left to config's owners; the node passes its own.
   */
  @Test
  void onlyTheConfigFallbackAsksForTheLocalHost() {
    check(
        noClasses()
            .that()
            .doNotHaveFullyQualifiedName("org.zfleet.config.ConfigLoader")
            .should()
            .callMethod(java.net.InetAddress.class, "getLocalHost"));
  }

  @Test
  void configAndProtocolKnowNothingOfTheDomainAbove() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(
                "org.zfleet.config..", "org.zfleet.model..", "org.zfleet.protocol..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "org.zfleet.zfs..",
                "org.zfleet.plan..",
                "org.zfleet.prune..",
                "org.zfleet.schedule..",
                "org.zfleet.job..",
                "org.zfleet.transfer..",
                "org.zfleet.node.."));
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
