package org.zfleet.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The node reads the wall clock and the host name in one adapter each ({@link WallClock}, {@link
 * LocalHost}); everything else takes the clock it is given, so tests drive time.
 */
class NodeArchitectureTest {

  private static final JavaClasses NODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.zfleet.node");

  @Test
  void onlyTheClockAdapterReadsTheWallClock() {
    noClasses()
        .that()
        .doNotBelongToAnyOf(WallClock.class)
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
        .callMethod(java.time.OffsetDateTime.class, "now")
        .check(NODE);
  }

  @Test
  void onlyTheHostAdapterAsksForTheLocalHost() {
    noClasses()
        .that()
        .doNotBelongToAnyOf(LocalHost.class)
        .should()
        .callMethod(java.net.InetAddress.class, "getLocalHost")
        .check(NODE);
  }
}
