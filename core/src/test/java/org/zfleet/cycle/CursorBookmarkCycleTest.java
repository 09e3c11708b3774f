package org.zfleet.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.cycle.Listings.FS;
import static org.zfleet.cycle.Listings.LATER;
import static org.zfleet.cycle.Listings.keep;
import static org.zfleet.cycle.Listings.lastN;
import static org.zfleet.cycle.Listings.push;
import static org.zfleet.cycle.Listings.pushSettings;
import static org.zfleet.cycle.Listings.render;
import static org.zfleet.cycle.Listings.replica;
import static org.zfleet.cycle.Listings.sink;
import static org.zfleet.cycle.Listings.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Plan;

/**
 * A cursor kept as a bookmark (ZFS with bookmarks, zrepl's design) through the pure cycle: the
 * planner sends from the bookmark when its snapshot is gone, the snapshots a step sends are held
 * for the step only (the prepare step holds the base too, and releases the cursor's snapshot once
 * it is bookmarked), and sender pruning is no longer kept from the cursor snapshot, except while a
 * step of the cycle sends from it. Without a cursor bookmark (zfs-fuse) every case is as before.
 */
class CursorBookmarkCycleTest {

  private static final CycleSettings SETTINGS =
      pushSettings(keep(lastN(1)), keep(lastN(5)), "sink");

  /**
   * {@code versions}: snapshots {@code @x} and this destination's cursor bookmarks {@code #x} (of
   * snapshot x, destroyed or not), oldest first; the cursor at {@code cursor}; {@code held} the
   * snapshots with holds.
   */
  private static SenderFilesystem fs(String versions, String cursor, String... held) {
    List<FilesystemVersion> out = new ArrayList<>();
    List<String> bookmarks = new ArrayList<>();
    String[] specs = versions.trim().split(" +");
    for (int i = 0; i < specs.length; i++) {
      String name = specs[i].substring(1);
      long txg = 10L * (name.charAt(0) - 'a' + 1);
      FilesystemVersion snapshot =
          FilesystemVersion.snapshot(
              name, Listings.guid(name), txg, Listings.EPOCH.plusSeconds(60L * txg));
      if (specs[i].startsWith("#")) {
        String bookmark = "zfleet_cursor.push.sink_" + name;
        bookmarks.add(bookmark);
        out.add(
            FilesystemVersion.bookmark(
                bookmark, snapshot.guid(), snapshot.createTxg(), snapshot.creation()));
      } else {
        out.add(snapshot);
      }
    }
    SenderFilesystem.Marks marks =
        new SenderFilesystem.Marks(
            Optional.of(Long.toUnsignedString(Listings.guid(cursor.substring(1)))),
            Optional.empty(),
            Map.of(),
            bookmarks);
    return new SenderFilesystem(FS, out, Map.of("sink", marks), Set.of(held));
  }

  private static JobListing listing(SenderFilesystem fs, String replica) {
    return push(List.of(fs), List.of(sink("sink", Map.of(target(FS), replica(FS, replica)))));
  }

  record Case(SenderFilesystem fs, String replica, List<String> expected) {}

  private static Arguments of(
      String name, SenderFilesystem fs, String replica, String... expected) {
    return Arguments.of(Named.of(name, new Case(fs, replica, List.of(expected))));
  }

  static Stream<Arguments> cycles() {
    return Stream.of(
        of(
            "held cursor (no bookmarks): the cursor snapshot is kept from pruning",
            fs("@a @b @c", "@b", "b"),
            "@a @b",
            "replicate sink: -i @b @c",
            "prune-sender sender: keep @b @c, destroy @a",
            "prune-receiver receiver sink: keep @a @b"),
        of(
            "cursor bookmark beside its snapshot: -i from the snapshot, which this cycle keeps",
            fs("@a @b #b @c", "@b"),
            "@a @b",
            "replicate sink: -i @b @c",
            "prune-sender sender: keep @b #zfleet_cursor.push.sink_b @c, destroy @a",
            "prune-receiver receiver sink: keep @a @b"),
        of(
            "cursor snapshot destroyed by a person: -i from the bookmark",
            fs("@a #b @c @d", "@b"),
            "@a @b",
            "replicate sink: -i #zfleet_cursor.push.sink_b @c, -I @c @d",
            "prune-sender sender: keep #zfleet_cursor.push.sink_b @c @d, destroy @a",
            "prune-receiver receiver sink: keep @a @b"),
        of(
            "up to date with a cursor bookmark: the rules alone decide",
            fs("@a @b #b", "@b"),
            "@a @b",
            "replicate sink: up-to-date",
            "prune-sender sender: keep @b #zfleet_cursor.push.sink_b, destroy @a",
            "prune-receiver receiver sink: keep @a @b"));
  }

  @ParameterizedTest
  @MethodSource("cycles")
  void theCyclePlansFromTheCursorBookmark(Case c) {
    FilesystemCycle cycle =
        CyclePlanner.plan(listing(c.fs(), c.replica()), SETTINGS, LATER).get(FS);
    assertThat(render(cycle)).containsExactlyElementsOf(c.expected());
  }

  @Test
  void anUnreachableSinksBookmarkedCursorNoLongerKeepsItsSnapshotFromPruning() {
    JobListing held =
        push(
            List.of(fs("@a @b @c", "@a", "a")),
            List.of(new Destination.Unreachable("sink", "down")));
    JobListing bookmarked =
        push(
            List.of(fs("@a #a @b @c", "@a")), List.of(new Destination.Unreachable("sink", "down")));

    assertThat(render(CyclePlanner.plan(held, SETTINGS, LATER).get(FS)))
        .contains("prune-sender sender: keep @a @c, destroy @b");
    assertThat(render(CyclePlanner.plan(bookmarked, SETTINGS, LATER).get(FS)))
        .contains("prune-sender sender: keep #zfleet_cursor.push.sink_a @c, destroy @a @b");
  }

  @Test
  void thePrepareStepHoldsTheBookmarkedBaseForTheStepAndReleasesPassedSnapshots() {
    // The cursor @b is bookmarked; @a and @b still carry holds of earlier cycles.
    JobListing listing = listing(fs("@a @b #b @c", "@b", "a", "b"), "@a @b");
    StepSpec.Prepare prepare =
        CyclePlanner.prepare(listing, CyclePlanner.plan(listing, SETTINGS, LATER), SETTINGS)
            .orElseThrow();

    assertThat(prepare.hold().get("sink").each())
        .extracting(SnapshotName::name)
        .as("the base too: nothing holds it between cycles")
        .containsExactly("b", "c");
    assertThat(prepare.release().get("sink").each())
        .extracting(SnapshotName::name)
        .as("@b is held for this cycle's step")
        .containsExactly("a");
  }

  @Test
  void upToDateWithABookmarkedCursorItsSnapshotsHoldIsReleased() {
    JobListing bookmarked = listing(fs("@a @b #b", "@b", "a", "b"), "@a @b");
    JobListing held = listing(fs("@a @b", "@b", "a", "b"), "@a @b");

    assertThat(
            CyclePlanner.prepare(
                    bookmarked, CyclePlanner.plan(bookmarked, SETTINGS, LATER), SETTINGS)
                .orElseThrow()
                .release()
                .get("sink")
                .each())
        .extracting(SnapshotName::name)
        .containsExactly("a", "b");
    assertThat(
            CyclePlanner.prepare(held, CyclePlanner.plan(held, SETTINGS, LATER), SETTINGS)
                .orElseThrow()
                .release()
                .get("sink")
                .each())
        .extracting(SnapshotName::name)
        .containsExactly("a");
  }

  @Test
  void afterAReplicationTheNewCursorBookmarkReplacesTheOldOnes() {
    FilesystemCycle planned =
        CyclePlanner.plan(listing(fs("@a @b #b @c", "@b"), "@a @b"), SETTINGS, LATER).get(FS);
    Plan.Steps steps = (Plan.Steps) ((StepSpec.Replicate) planned.steps().get(0)).plan().plan();
    FilesystemVersion c = steps.last();
    FilesystemVersion made =
        FilesystemVersion.bookmark(
            "zfleet_cursor.push.sink_c", c.guid(), c.createTxg(), c.creation());

    FilesystemCycle after =
        planned.after(
            new ReplicationEffect("sink", steps.steps(), Optional.of(c), Optional.of(made)));

    assertThat(after.view().sender().versions())
        .extracting(FilesystemVersion::relativeName)
        .containsExactly("@a", "@b", "@c", "#zfleet_cursor.push.sink_c");
    assertThat(after.view().sender().cursorBookmark("sink", c.guid())).contains(made);
    assertThat(render(after))
        .containsExactly(
            "replicate sink: up-to-date",
            "prune-sender sender: keep @c #zfleet_cursor.push.sink_c, destroy @a @b",
            "prune-receiver receiver sink: keep @a @b @c");
  }
}
