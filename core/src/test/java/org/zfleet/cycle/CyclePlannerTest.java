package org.zfleet.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.cycle.Listings.FS;
import static org.zfleet.cycle.Listings.LATER;
import static org.zfleet.cycle.Listings.keep;
import static org.zfleet.cycle.Listings.lastN;
import static org.zfleet.cycle.Listings.notReplicated;
import static org.zfleet.cycle.Listings.push;
import static org.zfleet.cycle.Listings.pushSettings;
import static org.zfleet.cycle.Listings.render;
import static org.zfleet.cycle.Listings.replica;
import static org.zfleet.cycle.Listings.sender;
import static org.zfleet.cycle.Listings.sink;
import static org.zfleet.cycle.Listings.target;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.InitialReplication;
import org.zfleet.plan.Plan;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.Step;

/**
 * The planner by table: a listing of one filesystem and its destinations in, that filesystem's
 * steps out, one spec a line (see {@link Listings} for the notation). Push jobs to sink "sink" keep
 * {@code not-replicated, last-n 1} on the sender and {@code last-n 2} on the receiver unless a case
 * says otherwise.
 */
class CyclePlannerTest {

  private static final Pruning SENDER = keep(notReplicated(), lastN(1));
  private static final Pruning RECEIVER = keep(lastN(2));
  private static final CycleSettings PUSH = pushSettings(SENDER, RECEIVER, "sink");

  record Case(
      JobListing listing, CycleSettings settings, CycleStart start, List<String> expected) {}

  private static Arguments of(String name, JobListing l, CycleSettings s, String... expected) {
    return of(name, l, s, LATER, expected);
  }

  private static Arguments of(
      String name, JobListing l, CycleSettings s, CycleStart start, String... expected) {
    return Arguments.of(Named.of(name, new Case(l, s, start, List.of(expected))));
  }

  /** One filesystem FS with the cursor of sink "sink" at {@code cursor} ("" for none). */
  private static SenderFilesystem fs(String versions, String cursor) {
    return sender(FS, versions, cursor.isEmpty() ? Map.of() : Map.of("sink", cursor));
  }

  /** Pull job "pull" of node beta from source job "source". */
  private static CycleSettings pullSettings(
      Optional<Pruning> senderPruning, Optional<Pruning> receiverPruning) {
    return new CycleSettings(
        CycleSettings.Kind.PULL,
        "pull",
        "beta",
        List.of("source"),
        new Snapshotting.Manual(Optional.empty()),
        senderPruning,
        receiverPruning,
        InitialReplication.ALL,
        Optional.empty());
  }

  private static JobListing toSink(SenderFilesystem fs, Optional<ReplicaDataset> replica) {
    Map<DatasetName, ReplicaDataset> datasets =
        replica.map(r -> Map.of(r.name(), r)).orElse(Map.of());
    return push(List.of(fs), List.of(sink("sink", datasets)));
  }

  static Stream<Arguments> pushJobs() {
    return Stream.of(
        of(
            "a first replication sends the newest snapshot; sender pruning waits for a cursor",
            toSink(fs("@a @b", ""), Optional.empty()),
            PUSH,
            "replicate sink: full @b",
            "prune-sender sender: refused REPLICATION_CURSOR_MISSING"),
        of(
            "an incremental step sends what follows the base; not-replicated keeps it all",
            toSink(fs("@a @b @c", "@a"), Optional.of(replica(FS, "@a"))),
            PUSH,
            "replicate sink: -I @a @c",
            "prune-sender sender: keep @a @b @c",
            "prune-receiver receiver sink: keep @a"),
        of(
            "the listed cursor and the snapshot the cycle moves it to are kept whatever the rules",
            toSink(fs("@a @b @c", "@a"), Optional.of(replica(FS, "@a"))),
            pushSettings(keep(lastN(1)), RECEIVER, "sink"),
            "replicate sink: -I @a @c",
            "prune-sender sender: keep @a @c, destroy @b",
            "prune-receiver receiver sink: keep @a"),
        of(
            "up to date: each side keeps its base and prunes the rest by its rules",
            toSink(fs("@a @b @c", "@c"), Optional.of(replica(FS, "@a @b @c"))),
            PUSH,
            "replicate sink: up-to-date",
            "prune-sender sender: keep @c, destroy @a @b",
            "prune-receiver receiver sink: keep @b @c, destroy @a"),
        of(
            "up to date with the cursor lost: the step puts it on the newest common snapshot",
            toSink(fs("@a @b", ""), Optional.of(replica(FS, "@a @b"))),
            pushSettings(keep(lastN(1)), RECEIVER, "sink"),
            "replicate sink: up-to-date, cursor to @b",
            "prune-sender sender: keep @b, destroy @a",
            "prune-receiver receiver sink: keep @a @b"),
        of(
            "an unreachable sink waits, and its cursor is kept until it returns",
            push(
                List.of(fs("@a @b @c", "@a")),
                List.of(new Destination.Unreachable("sink", "waiting for sink sink: down"))),
            pushSettings(keep(lastN(1)), RECEIVER, "sink"),
            "wait sink: waiting for sink sink: down",
            "prune-sender sender: keep @a @c, destroy @b"),
        of(
            "a dataset zfleet did not create is a conflict and is sent nothing",
            toSink(
                fs("@a", ""),
                Optional.of(new ReplicaDataset(target(FS), List.of(), Optional.empty()))),
            PUSH,
            "replicate sink: conflict NOT_CREATED_BY_ZFLEET",
            "prune-sender sender: refused REPLICATION_CURSOR_MISSING",
            "prune-receiver receiver sink: keep"),
        of(
            "each sink has its own cursor: pruning keeps what the one behind still needs",
            push(
                List.of(sender(FS, "@a @b @c", Map.of("one", "@c", "two", "@a"))),
                List.of(
                    sink("one", Map.of(target(FS), replica(FS, "@a @b @c"))),
                    sink("two", Map.of(target(FS), replica(FS, "@a"))))),
            pushSettings(keep(lastN(1)), RECEIVER, "one", "two"),
            "replicate one: up-to-date",
            "replicate two: -I @a @c",
            "prune-sender sender: keep @a @c, destroy @b",
            "prune-receiver receiver one: keep @b @c, destroy @a",
            "prune-receiver receiver two: keep @a"));
  }

  static Stream<Arguments> otherJobs() {
    CycleSettings snap =
        new CycleSettings(
            CycleSettings.Kind.SNAP,
            "snap",
            "n1",
            List.of(),
            new Snapshotting.Manual(Optional.of("zf_")),
            Optional.of(keep(lastN(1))),
            Optional.empty(),
            InitialReplication.MOST_RECENT,
            Optional.empty());
    CycleSettings pull = pullSettings(Optional.of(keep(lastN(1))), Optional.of(keep(lastN(2))));
    ReceiverLayout pulled = new ReceiverLayout(DatasetName.of("backup/pulled"), "alpha");
    JobListing fromSource =
        new JobListing(
            Optional.of("alpha"),
            Optional.of("zf_"),
            List.of(sender(FS, "@a @b @c", Map.of("source", "@a"))),
            List.of(
                new Destination.Reachable(
                    "source",
                    pulled,
                    Map.of(
                        pulled.receiverPath(FS),
                        new ReplicaDataset(
                            pulled.receiverPath(FS),
                            Listings.replicaVersions("@a"),
                            Optional.of("replica"))))),
            java.util.Set.of());
    return Stream.of(
        of(
            "a snap job only prunes its own filesystems",
            JobListing.own(Optional.of("zf_"), List.of(sender(FS, "@a @b @c", Map.of()))),
            snap,
            "prune-sender local: keep @c, destroy @a @b"),
        of(
            "what the current cycle took is never pruned in it",
            JobListing.own(Optional.of("zf_"), List.of(sender(FS, "@a @b @c", Map.of()))),
            snap,
            CycleStart.at(Listings.EPOCH.plusSeconds(60)),
            "prune-sender local: keep @b @c, destroy @a"),
        of(
            "a pull replicates from its source node and names its sides so",
            fromSource,
            pull,
            "replicate source: -I @a @c",
            "prune-sender sender alpha: keep @a @c, destroy @b",
            "prune-receiver receiver: keep @a"));
  }

  @ParameterizedTest(name = "listed inert: {0}")
  @ValueSource(booleans = {true, false})
  void anIncrementGoesIntoTheListedVersionsOnlyOfAReplicaTheReceivingNodeListedInert(
      boolean inert) {
    ReplicaDataset asListed = replica(FS, "@a");
    ReplicaDataset replica =
        new ReplicaDataset(asListed.name(), asListed.versions(), asListed.role(), false, inert);

    FilesystemCycle cycle =
        CyclePlanner.plan(toSink(fs("@a @b", "@a"), Optional.of(replica)), PUSH, LATER).get(FS);

    ReplicationPlan plan = ((StepSpec.Replicate) cycle.steps().get(0)).plan();
    assertThat(render(cycle).get(0)).isEqualTo("replicate sink: -i @a @b");
    Step first = ((Plan.Steps) plan.plan()).steps().get(0);
    assertThat(plan.listedReplicaFor(first))
        .as("the step off the listed replica's newest snapshot")
        .isEqualTo(inert ? Optional.of(asListed.versions()) : Optional.empty());
    FilesystemVersion later = FilesystemVersion.snapshot("c", 99, 99, Listings.EPOCH);
    assertThat(plan.listedReplicaFor(Step.incremental(first.to(), later)))
        .as("a later step, on top of what the listing never saw")
        .isEmpty();
  }

  @Test
  void aPullsIncrementGoesIntoTheListedVersionsOfTheReplicaThePullingNodeListedInert() {
    CycleSettings pull = pullSettings(Optional.empty(), Optional.empty());
    ReceiverLayout pulled = new ReceiverLayout(DatasetName.of("backup/pulled"), "alpha");
    DatasetName target = pulled.receiverPath(FS);
    ReplicaDataset listed =
        new ReplicaDataset(
            target, Listings.replicaVersions("@a"), Optional.of("replica"), false, true);
    JobListing fromSource =
        new JobListing(
            Optional.of("alpha"),
            Optional.of("zf_"),
            List.of(sender(FS, "@a @b", Map.of("source", "@a"))),
            List.of(new Destination.Reachable("source", pulled, Map.of(target, listed))),
            java.util.Set.of());

    FilesystemCycle cycle = CyclePlanner.plan(fromSource, pull, LATER).get(FS);

    ReplicationPlan plan = ((StepSpec.Replicate) cycle.steps().get(0)).plan();
    assertThat(render(cycle).get(0)).isEqualTo("replicate source: -i @a @b");
    assertThat(plan.preparedByJob()).as("a pull's cycle is not prepared by its job").isFalse();
    Step first = ((Plan.Steps) plan.plan()).steps().get(0);
    assertThat(plan.listedReplicaFor(first)).contains(listed.versions());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"pushJobs", "otherJobs"})
  void plansEachFilesystemsSteps(Case c) {
    FilesystemCycle cycle = CyclePlanner.plan(c.listing(), c.settings(), c.start()).get(FS);
    assertThat(render(cycle)).containsExactlyElementsOf(c.expected());
  }
}
