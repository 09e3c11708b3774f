package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
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
  private static final PlanOptions PLACEHOLDER =
      REPLICA.withReceiverState(ReceiverState.PLACEHOLDER);
  private static final PlanOptions FOREIGN = REPLICA.withReceiverState(ReceiverState.FOREIGN);

  record Case(
      List<FilesystemVersion> sender,
      List<FilesystemVersion> receiver,
      PlanOptions options,
      String expected) {}

  /** A named case; version lists are space-separated in {@link VersionNotation}'s notation. */
  private static Arguments of(String name, String s, String r, PlanOptions o, String expected) {
    return Arguments.of(
        Named.of(name, new Case(sender(split(s)), receiver(split(r)), o, expected)));
  }

  private static String[] split(String specs) {
    return specs.isBlank() ? new String[0] : specs.trim().split(" +");
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
        of(
            "policy all: full of the oldest, then one -I",
            "@a @b @c",
            "",
            all(ABSENT),
            "full @a, -I @a @c"),
        of("policy all, one snapshot", "@a", "", all(ABSENT), "full @a"),
        of("policy all, two snapshots", "@a @b", "", all(ABSENT), "full @a, -i @a @b"),
        of(
            "policy most recent: full of the newest only",
            "@a @b @c",
            "",
            mostRecent(ABSENT),
            "full @c"),
        of("policy fail", "@a @b", "", fail(ABSENT), "conflict INITIAL_REPLICATION_REQUIRED"),
        of("empty sender, absent receiver", "", "", all(ABSENT), "up-to-date"),
        of("empty sender, policy fail", "", "", fail(ABSENT), "up-to-date"),
        of("sender with bookmarks only", "#a", "", all(ABSENT), "up-to-date"),
        of("sender with excluded snapshots only", "@xa @xb", "", all(ABSENT), "up-to-date"),
        of(
            "policy all skips excluded oldest and jumps excluded",
            "@xa @b @c @xd @e",
            "",
            all(ABSENT),
            "full @b, -i @b @c, -i @c @e"),
        of(
            "policy most recent ignores excluded newest",
            "@a @b @xc",
            "",
            mostRecent(ABSENT),
            "full @b"),
        of(
            "zfleet replica without snapshots is not overwritten",
            "@a",
            "",
            all(REPLICA),
            "conflict NO_COMMON_SNAPSHOT"));
  }

  static Stream<Arguments> incremental() {
    return Stream.of(
        of("equal lists", "@a @b", "@a @b", REPLICA, "up-to-date"),
        of("one newer snapshot: -i", "@a @b", "@a", REPLICA, "-i @a @b"),
        of("run of newer snapshots: one -I", "@a @b @c @d", "@a", REPLICA, "-I @a @d"),
        of(
            "base is the newest common, older ones pruned on the sender",
            "@c @d @e",
            "@a @b @c",
            REPLICA,
            "-I @c @e"),
        of("gap on the receiver below the base", "@a @b @c @d", "@a @c", REPLICA, "-i @c @d"),
        of("receiver pruned down to the base", "@a @b @c", "@b", REPLICA, "-i @b @c"),
        of("guid matching when names differ", "@renamed~a @b @c", "@a", REPLICA, "-I @renamed @c"),
        of("guid matching, renamed on the receiver", "@a @b", "@old~a", REPLICA, "-i @a @b"),
        of(
            "same name, other guid is not common",
            "@a @b",
            "@a~z",
            REPLICA,
            "conflict NO_COMMON_SNAPSHOT"),
        of("bookmark as base, one newer", "#a @b", "@a", REPLICA, "-i #a @b"),
        of(
            "bookmark as base: -i to the first, -I from there",
            "#a @b @c @d",
            "@a",
            REPLICA,
            "-i #a @b, -I @b @d"),
        of("snapshot preferred to its bookmark", "@a #a @b @c", "@a", REPLICA, "-I @a @c"),
        of("only the bookmark left: up to date", "@a #b~b", "@a @b", REPLICA, "up-to-date"),
        of(
            "receiver bookmarks are not bases",
            "@a @b",
            "#a",
            REPLICA,
            "conflict NO_COMMON_SNAPSHOT"),
        of("newer sender bookmarks are not sent", "@a @b #b", "@a @b", REPLICA, "up-to-date"));
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        of(
            "no common snapshot while the receiver has snapshots",
            "@a @b",
            "@p @q",
            REPLICA,
            "conflict NO_COMMON_SNAPSHOT"),
        of(
            "empty sender, receiver has snapshots",
            "",
            "@a",
            REPLICA,
            "conflict NO_COMMON_SNAPSHOT"),
        of(
            "diverged receiver: a snapshot newer than the common one",
            "@a @b",
            "@a @r",
            REPLICA,
            "conflict RECEIVER_HAS_NEWER_SNAPSHOTS"),
        of(
            "sender behind the receiver (rolled back)",
            "@a",
            "@a @b",
            REPLICA,
            "conflict RECEIVER_HAS_NEWER_SNAPSHOTS"),
        of(
            "foreign dataset, even with matching snapshots",
            "@a @b",
            "@a",
            FOREIGN,
            "conflict NOT_CREATED_BY_ZFLEET"),
        of(
            "foreign dataset without snapshots",
            "@a",
            "",
            FOREIGN,
            "conflict NOT_CREATED_BY_ZFLEET"));
  }

  static Stream<Arguments> cursor() {
    String s = "@a @b @c @d";
    return Stream.of(
        of(
            "cursor behind the base: newest common wins",
            s,
            "@a @b",
            REPLICA.withCursor(guid("a")),
            "-I @b @d"),
        of(
            "cursor ahead (receiver rolled back): newest common wins",
            s,
            "@a @b",
            REPLICA.withCursor(guid("c")),
            "-I @b @d"),
        of("cursor on the base", s, "@a @b", REPLICA.withCursor(guid("b")), "-I @b @d"),
        of(
            "cursor bookmark is the only common version",
            "#zfleet_cursor~b @c @d",
            "@a @b",
            REPLICA.withCursor(guid("b")),
            "-i #zfleet_cursor @c, -I @c @d"),
        of(
            "cursor snapshot destroyed by a person: -i from the cursor bookmark",
            "@a #zcur~b @c",
            "@a @b",
            REPLICA.withCursor(guid("b")),
            "-i #zcur @c"),
        of(
            "cursor snapshot destroyed, newer runs: -i to the first, -I from there",
            "#zcur~b @c @d @e",
            "@a @b",
            REPLICA.withCursor(guid("b")),
            "-i #zcur @c, -I @c @e"),
        of(
            "old and new cursor bookmarks: the receiver's newest decides",
            "#zold~a #znew~b @c",
            "@a @b",
            REPLICA.withCursor(guid("b")),
            "-i #znew @c"),
        of(
            "cursor bookmark beside its snapshot: the snapshot, so -I starts there",
            "@b #zcur~b @c @d",
            "@a @b",
            REPLICA.withCursor(guid("b")),
            "-I @b @d"),
        of(
            "cursor bookmark ahead of a rolled-back receiver: an older bookmark serves",
            "#zold~a #zcur~c @d",
            "@a",
            REPLICA.withCursor(guid("c")),
            "-i #zold @d"),
        of(
            "cursor bookmark the receiver never had: conflict, nothing sent",
            "#zcur~q @d",
            "@a",
            REPLICA.withCursor(guid("q")),
            "conflict NO_COMMON_SNAPSHOT"),
        of(
            "cursor bookmark and nothing newer: up to date",
            "#zcur~b",
            "@a @b",
            REPLICA.withCursor(guid("b")),
            "up-to-date"),
        of(
            "cursor ahead of a receiver that lost everything common",
            s,
            "@q",
            REPLICA.withCursor(guid("c")),
            "conflict NO_COMMON_SNAPSHOT"));
  }

  static Stream<Arguments> filter() {
    return Stream.of(
        of(
            "excluded between included: -I, -i over the gap, -I",
            "@a @b @c @xd @e @f",
            "@a",
            REPLICA,
            "-I @a @c, -i @c @e, -I @e @f"),
        of("excluded right after the base", "@a @xb @c @d", "@a", REPLICA, "-i @a @c, -I @c @d"),
        of("excluded at the end", "@a @b @xc", "@a", REPLICA, "-i @a @b"),
        of("only excluded newer snapshots", "@a @xb @xc", "@a", REPLICA, "up-to-date"),
        of("alternating", "@a @xb @c @xd @e", "@a", REPLICA, "-i @a @c, -i @c @e"),
        of("several excluded in a row", "@a @xb @xc @d @e", "@a", REPLICA, "-i @a @d, -I @d @e"),
        of(
            "excluded base (filter changed) is still a base",
            "@xa @b @c",
            "@xa",
            REPLICA,
            "-I @xa @c"),
        of("bookmark base before an excluded snapshot", "#a @xb @c", "@a", REPLICA, "-i #a @c"));
  }

  static Stream<Arguments> placeholders() {
    return Stream.of(
        of(
            "empty placeholder, policy all: forced full then -I",
            "@a @b @c",
            "",
            all(PLACEHOLDER),
            "full! @a, -I @a @c"),
        of(
            "empty placeholder, most recent: forced full",
            "@a @b",
            "",
            mostRecent(PLACEHOLDER),
            "full! @b"),
        of(
            "empty placeholder, policy fail",
            "@a",
            "",
            fail(PLACEHOLDER),
            "conflict INITIAL_REPLICATION_REQUIRED"),
        of("empty placeholder, nothing to send", "@xa", "", all(PLACEHOLDER), "up-to-date"),
        of(
            "placeholder holding snapshots is planned by them, unforced",
            "@a @b",
            "@a",
            all(PLACEHOLDER),
            "-i @a @b"),
        of(
            "placeholder holding unrelated snapshots is a conflict",
            "@a",
            "@z",
            all(PLACEHOLDER),
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
}
