package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.plan.VersionNotation.guid;
import static org.zfleet.plan.VersionNotation.receiver;
import static org.zfleet.plan.VersionNotation.render;
import static org.zfleet.plan.VersionNotation.sender;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PlannerTest {

  /** The job replicates every snapshot whose name does not start with x. */
  private static final PlanOptions REPLICA =
      PlanOptions.defaults().withReplicates(v -> !v.name().startsWith("x"));

  private static final PlanOptions ABSENT = REPLICA.withReceiverState(ReceiverState.ABSENT);
  private static final PlanOptions PLACEHOLDER = REPLICA.withReceiverState(ReceiverState.PLACEHOLDER);
  private static final PlanOptions FOREIGN = REPLICA.withReceiverState(ReceiverState.FOREIGN);

  record Case(List<FilesystemVersion> sender, List<FilesystemVersion> receiver, PlanOptions options, String expected) {}

  private static Arguments of(String name, List<FilesystemVersion> s, List<FilesystemVersion> r, PlanOptions o, String expected) {
    return Arguments.of(Named.of(name, new Case(s, r, o, expected)));
  }

  private static PlanOptions all(PlanOptions o) {
    return o.withInitialReplication(InitialReplication.ALL);
  }

  private static PlanOptions mostRecent(PlanOptions o) {
    return o.withInitialReplication(InitialReplication.MOST_RECENT);
  }

  private static PlanOptions fail(PlanOptions o) {
    return o.withInitialReplication(InitialReplication.FAIL);
  }

  static Stream<Arguments> full() {
    return Stream.of(
        of("policy all: full of the oldest, then one -I", sender("@a", "@b", "@c"), receiver(), all(ABSENT), "full @a, -I @a @c"),
        of("policy all, one snapshot", sender("@a"), receiver(), all(ABSENT), "full @a"),
        of("policy all, two snapshots", sender("@a", "@b"), receiver(), all(ABSENT), "full @a, -i @a @b"),
        of("policy most recent: full of the newest only", sender("@a", "@b", "@c"), receiver(), mostRecent(ABSENT), "full @c"),
        of("policy fail", sender("@a", "@b"), receiver(), fail(ABSENT), "conflict INITIAL_REPLICATION_REQUIRED"),
        of("empty sender, absent receiver", sender(), receiver(), all(ABSENT), "up-to-date"),
        of("empty sender, policy fail", sender(), receiver(), fail(ABSENT), "up-to-date"),
        of("sender with bookmarks only", sender("@a", "#a").subList(1, 2), receiver(), all(ABSENT), "up-to-date"),
        of("sender with excluded snapshots only", sender("@xa", "@xb"), receiver(), all(ABSENT), "up-to-date"),
        of("policy all skips excluded oldest and jumps excluded", sender("@xa", "@b", "@c", "@xd", "@e"), receiver(),
            all(ABSENT), "full @b, -i @b @c, -i @c @e"),
        of("policy most recent ignores excluded newest", sender("@a", "@b", "@xc"), receiver(), mostRecent(ABSENT), "full @b"),
        of("zfleet replica without snapshots is not overwritten", sender("@a"), receiver(), all(REPLICA),
            "conflict NO_COMMON_SNAPSHOT"));
  }

  static Stream<Arguments> incremental() {
    return Stream.of(
        of("equal lists", sender("@a", "@b"), receiver("@a", "@b"), REPLICA, "up-to-date"),
        of("one newer snapshot: -i", sender("@a", "@b"), receiver("@a"), REPLICA, "-i @a @b"),
        of("run of newer snapshots: one -I", sender("@a", "@b", "@c", "@d"), receiver("@a"), REPLICA, "-I @a @d"),
        of("base is the newest common, older ones pruned on the sender", sender("@c", "@d", "@e"),
            receiver("@a", "@b", "@c"), REPLICA, "-I @c @e"),
        of("gap on the receiver below the base", sender("@a", "@b", "@c", "@d"), receiver("@a", "@c"), REPLICA, "-i @c @d"),
        of("receiver pruned down to the base", sender("@a", "@b", "@c"), receiver("@b"), REPLICA, "-i @b @c"),
        of("guid matching when names differ", sender("@renamed~a", "@b", "@c"), receiver("@a"), REPLICA, "-I @renamed @c"),
        of("guid matching, renamed on the receiver", sender("@a", "@b"), receiver("@old~a"), REPLICA, "-i @a @b"),
        of("same name, other guid is not common", sender("@a", "@b"), receiver("@a~z"), REPLICA, "conflict NO_COMMON_SNAPSHOT"),
        of("bookmark as base, one newer", sender("#a", "@b"), receiver("@a"), REPLICA, "-i #a @b"),
        of("bookmark as base: -i to the first, -I from there", sender("#a", "@b", "@c", "@d"), receiver("@a"), REPLICA,
            "-i #a @b, -I @b @d"),
        of("snapshot preferred to its bookmark", sender("@a", "#a", "@b", "@c"), receiver("@a"), REPLICA, "-I @a @c"),
        of("only the bookmark left: up to date", sender("@a", "#b~b", "@b").subList(0, 2), receiver("@a", "@b"), REPLICA,
            "up-to-date"),
        of("receiver bookmarks are not bases", sender("@a", "@b"), receiver("#a"), REPLICA, "conflict NO_COMMON_SNAPSHOT"),
        of("newer sender bookmarks are not sent", sender("@a", "@b", "#b"), receiver("@a", "@b"), REPLICA, "up-to-date"));
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        of("no common snapshot while the receiver has snapshots", sender("@a", "@b"), receiver("@p", "@q"), REPLICA,
            "conflict NO_COMMON_SNAPSHOT"),
        of("empty sender, receiver has snapshots", sender(), receiver("@a"), REPLICA, "conflict NO_COMMON_SNAPSHOT"),
        of("diverged receiver: a snapshot newer than the common one", sender("@a", "@b"), receiver("@a", "@r"), REPLICA,
            "conflict RECEIVER_HAS_NEWER_SNAPSHOTS"),
        of("sender behind the receiver (rolled back)", sender("@a"), receiver("@a", "@b"), REPLICA,
            "conflict RECEIVER_HAS_NEWER_SNAPSHOTS"),
        of("foreign dataset, even with matching snapshots", sender("@a", "@b"), receiver("@a"), FOREIGN,
            "conflict NOT_CREATED_BY_ZFLEET"),
        of("foreign dataset without snapshots", sender("@a"), receiver(), FOREIGN, "conflict NOT_CREATED_BY_ZFLEET"));
  }

  static Stream<Arguments> cursor() {
    List<FilesystemVersion> s = sender("@a", "@b", "@c", "@d");
    return Stream.of(
        of("cursor behind the base: newest common wins", s, receiver("@a", "@b"), REPLICA.withCursor(guid("a")), "-I @b @d"),
        of("cursor ahead (receiver rolled back): newest common wins", s, receiver("@a", "@b"), REPLICA.withCursor(guid("c")),
            "-I @b @d"),
        of("cursor on the base", s, receiver("@a", "@b"), REPLICA.withCursor(guid("b")), "-I @b @d"),
        of("cursor bookmark is the only common version", sender("@a", "#zfleet_cursor~b", "@c", "@d").subList(1, 4),
            receiver("@a", "@b"), REPLICA.withCursor(guid("b")), "-i #zfleet_cursor @c, -I @c @d"),
        of("cursor ahead of a receiver that lost everything common", s, receiver("@q"), REPLICA.withCursor(guid("c")),
            "conflict NO_COMMON_SNAPSHOT"));
  }

  static Stream<Arguments> filter() {
    return Stream.of(
        of("excluded between included: -I, -i over the gap, -I", sender("@a", "@b", "@c", "@xd", "@e", "@f"), receiver("@a"),
            REPLICA, "-I @a @c, -i @c @e, -I @e @f"),
        of("excluded right after the base", sender("@a", "@xb", "@c", "@d"), receiver("@a"), REPLICA, "-i @a @c, -I @c @d"),
        of("excluded at the end", sender("@a", "@b", "@xc"), receiver("@a"), REPLICA, "-i @a @b"),
        of("only excluded newer snapshots", sender("@a", "@xb", "@xc"), receiver("@a"), REPLICA, "up-to-date"),
        of("alternating", sender("@a", "@xb", "@c", "@xd", "@e"), receiver("@a"), REPLICA, "-i @a @c, -i @c @e"),
        of("several excluded in a row", sender("@a", "@xb", "@xc", "@d", "@e"), receiver("@a"), REPLICA, "-i @a @d, -I @d @e"),
        of("excluded base (filter changed) is still a base", sender("@xa", "@b", "@c"), receiver("@xa"), REPLICA, "-I @xa @c"),
        of("bookmark base before an excluded snapshot", sender("#a", "@xb", "@c"), receiver("@a"), REPLICA, "-i #a @c"));
  }

  static Stream<Arguments> placeholders() {
    return Stream.of(
        of("empty placeholder, policy all: forced full then -I", sender("@a", "@b", "@c"), receiver(), all(PLACEHOLDER),
            "full! @a, -I @a @c"),
        of("empty placeholder, most recent: forced full", sender("@a", "@b"), receiver(), mostRecent(PLACEHOLDER), "full! @b"),
        of("empty placeholder, policy fail", sender("@a"), receiver(), fail(PLACEHOLDER), "conflict INITIAL_REPLICATION_REQUIRED"),
        of("empty placeholder, nothing to send", sender("@xa"), receiver(), all(PLACEHOLDER), "up-to-date"),
        of("placeholder holding snapshots is planned by them, unforced", sender("@a", "@b"), receiver("@a"), all(PLACEHOLDER),
            "-i @a @b"),
        of("placeholder holding unrelated snapshots is a conflict", sender("@a"), receiver("@z"), all(PLACEHOLDER),
            "conflict NO_COMMON_SNAPSHOT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"full", "incremental", "conflicts", "cursor", "filter", "placeholders"})
  void plans(Case c) {
    Plan plan = Planner.plan(c.sender(), c.receiver(), c.options());
    assertThat(render(plan)).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"full", "incremental", "conflicts", "cursor", "filter", "placeholders"})
  void inputOrderDoesNotMatter(Case c) {
    Plan plan = Planner.plan(reversed(c.sender()), reversed(c.receiver()), c.options());
    assertThat(render(plan)).isEqualTo(c.expected());
  }

  private static List<FilesystemVersion> reversed(List<FilesystemVersion> versions) {
    List<FilesystemVersion> copy = new ArrayList<>(versions);
    Collections.reverse(copy);
    return copy;
  }

  @Test
  void conflictsNameWhatWasFound() {
    Plan.Conflict diverged = (Plan.Conflict) Planner.plan(sender("@a", "@b"), receiver("@a", "@r", "@s"), REPLICA);
    assertThat(diverged.message())
        .isEqualTo("the receiver has snapshots newer than the newest common one: the newest common snapshot is @a"
            + " but the receiver also has 2 newer snapshots (@r, @s) that the sender does not have;"
            + " zfleet destroys nothing (roll the receiver back to @a to resume)");

    Plan.Conflict rolledBack = (Plan.Conflict) Planner.plan(
        sender("@a", "@b", "#zfleet_cursor~b"), receiver("@q"), REPLICA.withCursor(guid("b")));
    assertThat(rolledBack.message())
        .isEqualTo("no common snapshot: none of the receiver's 1 snapshot (newest @q) is on the sender by guid;"
            + " the replication cursor @b is not on the receiver (was it rolled back, or its snapshots destroyed?)");

    Plan.Conflict policy = (Plan.Conflict) Planner.plan(sender("@a"), receiver(), fail(ABSENT));
    assertThat(policy.message()).startsWith("initial replication required but policy is fail: ");
  }

  @Test
  void manyReceiverSnapshotsNewerThanTheBaseAreCountedNotAllListed() {
    Plan.Conflict c = (Plan.Conflict) Planner.plan(
        sender("@a"), receiver("@a", "@r1", "@r2", "@r3", "@r4", "@r5", "@r6", "@r7"), REPLICA);
    assertThat(c.detail()).contains("7 newer snapshots (@r1, @r2, @r3, @r4, @r5 and 2 more)");
  }

  @Test
  void absentReceiverWithVersionsIsACallerError() {
    assertThatThrownBy(() -> Planner.plan(sender("@a"), receiver("@a"), ABSENT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent");
  }

  @Test
  void stepsCarryTheSenderVersionsThemselves() {
    List<FilesystemVersion> s = sender("#a", "@b", "@c");
    Plan.Steps steps = (Plan.Steps) Planner.plan(s, receiver("@a"), REPLICA);
    assertThat(steps.steps().get(0).from()).contains(s.get(0));
    assertThat(steps.last()).isEqualTo(s.get(2));
  }
}
