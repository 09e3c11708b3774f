package org.zfleet.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.cycle.Listings.FS;
import static org.zfleet.cycle.Listings.keep;
import static org.zfleet.cycle.Listings.lastN;
import static org.zfleet.cycle.Listings.render;
import static org.zfleet.cycle.Listings.sender;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.Snapshotting;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.InitialReplication;
import org.zfleet.schedule.SnapshotNaming;

/** The job-wide steps and the schedule: the snapshot step, when it is due, when a pull replans. */
class JobWideStepsTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00.400Z");
  private static final String NAME = new SnapshotNaming("zf_").name(NOW);
  private static final DatasetName B = DatasetName.of("pool/b");

  private static CycleSettings settings(CycleSettings.Kind kind, Snapshotting snapshotting) {
    return new CycleSettings(
        kind,
        "job",
        "n1",
        List.of(),
        snapshotting,
        Optional.of(keep(lastN(1))),
        Optional.empty(),
        InitialReplication.MOST_RECENT,
        kind == CycleSettings.Kind.PULL ? Optional.of(Duration.ofMinutes(10)) : Optional.empty());
  }

  private static final Snapshotting EVERY_10M =
      new Snapshotting.Periodic("zf_", Duration.ofMinutes(10), List.of());

  private static JobListing listing(String versionsOfA, String versionsOfB) {
    return JobListing.own(
        Optional.of("zf_"),
        List.of(sender(FS, versionsOfA, Map.of()), sender(B, versionsOfB, Map.of())));
  }

  record Case(JobListing listing, CycleSettings settings, String expected) {}

  private static Arguments of(String name, JobListing l, CycleSettings s, String expected) {
    return Arguments.of(Named.of(name, new Case(l, s, expected)));
  }

  static Stream<Arguments> snapshots() {
    return Stream.of(
        of(
            "the cycle's snapshot of every listed filesystem, named for now",
            listing("@a", ""),
            settings(CycleSettings.Kind.SNAP, EVERY_10M),
            "snapshot @" + NAME + " of 2"),
        of(
            "a second request in the same second takes nothing more",
            listing("@" + NAME, "@" + NAME),
            settings(CycleSettings.Kind.PUSH, EVERY_10M),
            "no snapshot: @" + NAME + " was taken this second: nothing more taken"),
        of(
            "a filesystem that lacks this second's snapshot gets it",
            listing("@" + NAME, ""),
            settings(CycleSettings.Kind.SNAP, EVERY_10M),
            "snapshot @" + NAME + " of 2"),
        of(
            "a job that selects nothing takes nothing",
            JobListing.own(Optional.of("zf_"), List.of()),
            settings(CycleSettings.Kind.SNAP, EVERY_10M),
            "no snapshot: " + CyclePlanner.NOTHING_SELECTED),
        of(
            "manual snapshotting without a prefix takes none",
            listing("", ""),
            settings(CycleSettings.Kind.SNAP, new Snapshotting.Manual(Optional.empty())),
            "no snapshot: snapshotting is manual and names no prefix: nothing taken"),
        of(
            "a pull takes none: its source does",
            listing("", ""),
            settings(CycleSettings.Kind.PULL, new Snapshotting.Manual(Optional.empty())),
            "no snapshot: a pull job takes no snapshots; its source does"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snapshots")
  void plansTheSnapshotStep(Case c) {
    assertThat(render(CyclePlanner.snapshot(c.listing(), c.settings(), NOW)))
        .isEqualTo(c.expected());
  }

  @Test
  void theNextSnapshotIsDueAnIntervalAfterTheNewestOfTheJobsOwn() {
    Instant taken = Instant.parse("2026-11-28T11:55:00Z");
    String own = "@" + new SnapshotNaming("zf_").name(taken);
    CycleSettings snap = settings(CycleSettings.Kind.SNAP, EVERY_10M);
    assertThat(CyclePlanner.nextSnapshotDue(listing(own, "@manual"), snap, NOW))
        .contains(taken.plus(Duration.ofMinutes(10)));
    assertThat(CyclePlanner.nextSnapshotDue(listing("@manual", ""), snap, NOW)).contains(NOW);
    assertThat(
            CyclePlanner.nextSnapshotDue(
                listing(own, ""),
                settings(CycleSettings.Kind.SNAP, new Snapshotting.Manual(Optional.of("zf_"))),
                NOW))
        .isEmpty();
  }

  @Test
  void aJobThatSelectsNothingLooksAgainOnItsScheduleFromWhenItLastLooked() {
    JobListing nothing = JobListing.own(Optional.of("zf_"), List.of());
    Instant looked = NOW.minus(Duration.ofMinutes(3));
    assertThat(
            CyclePlanner.nextSnapshotDue(
                nothing, settings(CycleSettings.Kind.SNAP, EVERY_10M), looked, NOW))
        .contains(looked.plus(Duration.ofMinutes(10)));
    // Looked long ago: it looks now, once (looking moves when it last looked).
    assertThat(
            CyclePlanner.nextSnapshotDue(
                nothing,
                settings(CycleSettings.Kind.SNAP, EVERY_10M),
                NOW.minus(Duration.ofDays(1)),
                NOW))
        .contains(NOW);
  }

  @Test
  void aPullReplansItsIntervalAfterItsLastListingAndAtOnceBeforeTheFirst() {
    CycleSettings pull =
        settings(CycleSettings.Kind.PULL, new Snapshotting.Manual(Optional.empty()));
    assertThat(CyclePlanner.nextReplanDue(pull, Optional.empty(), NOW)).contains(NOW);
    assertThat(CyclePlanner.nextReplanDue(pull, Optional.of(NOW), NOW))
        .contains(NOW.plus(Duration.ofMinutes(10)));
    assertThat(
            CyclePlanner.nextReplanDue(
                settings(CycleSettings.Kind.SNAP, EVERY_10M), Optional.of(NOW), NOW))
        .isEmpty();
  }

  @Test
  void aSnapshottingCycleStartsInTheSecondOfItsSnapshotAndNamesIt() {
    assertThat(CyclePlanner.snapshotCycle(settings(CycleSettings.Kind.SNAP, EVERY_10M), NOW))
        .isEqualTo(new CycleStart(Instant.parse("2026-11-28T12:00:00Z"), Optional.of(NAME)));
  }

  @Test
  void aSourceJobPlansNoFilesystemSteps() {
    assertThat(
            CyclePlanner.plan(
                listing("@a", "@b"),
                settings(CycleSettings.Kind.SOURCE, EVERY_10M),
                Listings.LATER))
        .isEmpty();
  }

  @Test
  void whatTheJobKeepsOfAListingPlansItsSnapshotsAsTheWholeListingDoes() {
    SnapshotNaming naming = new SnapshotNaming("zf_");
    String old = naming.name(NOW.minus(Duration.ofMinutes(25)));
    String last = naming.name(NOW.minus(Duration.ofMinutes(5)));
    List<JobListing> listings =
        List.of(
            listing("@" + old + " @" + last + " @manual", "@" + old),
            listing("@" + old + " @" + last, "@" + last + " @" + NAME),
            listing("@manual", ""),
            listing("@" + NAME, "@" + NAME));
    CycleSettings settings = settings(CycleSettings.Kind.SNAP, EVERY_10M);
    for (JobListing full : listings) {
      JobListing kept = CyclePlanner.forSchedule(full, settings);
      assertThat(kept.filesystems())
          .allSatisfy(fs -> assertThat(fs.versions()).hasSizeLessThanOrEqualTo(2));
      assertThat(render(CyclePlanner.snapshot(kept, settings, NOW)))
          .isEqualTo(render(CyclePlanner.snapshot(full, settings, NOW)));
      for (Instant at : List.of(NOW, NOW.plus(Duration.ofMinutes(7)))) {
        assertThat(CyclePlanner.nextSnapshotDue(kept, settings, at))
            .isEqualTo(CyclePlanner.nextSnapshotDue(full, settings, at));
      }
    }
  }
}
