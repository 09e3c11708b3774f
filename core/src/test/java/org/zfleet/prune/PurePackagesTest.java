package org.zfleet.prune;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pruning and scheduling stay pure: no actors, no processes, no files, no wall clock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PurePackagesTest {

  private static final JavaClasses PURE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.zfleet.prune", "org.zfleet.schedule");

  @Test
  void importNeitherPekkoNorProcessesNorFiles() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..", "java.nio.file..", "org.zfleet.zfs..", "org.zfleet.job..")
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(ProcessBuilder.class, Process.class, Runtime.class, Thread.class)
        .check(PURE);
  }

  @Test
  void neverReadTheWallClock() {
    noClasses()
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .orShould()
        .callMethod(java.time.Clock.class, "systemDefaultZone")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(java.time.LocalDateTime.class, "now")
        .orShould()
        .callMethod(java.time.ZoneId.class, "systemDefault")
        .check(PURE);
  }
}
