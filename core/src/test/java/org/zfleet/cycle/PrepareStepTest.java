package org.zfleet.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.cycle.Listings.LATER;
import static org.zfleet.cycle.Listings.keep;
import static org.zfleet.cycle.Listings.lastN;
import static org.zfleet.cycle.Listings.pushSettings;
import static org.zfleet.cycle.Listings.replica;
import static org.zfleet.cycle.Listings.sink;
import static org.zfleet.cycle.Listings.target;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * A push job's prepare step, planned once for all its filesystems: the placeholders their first
 * receives need, the snapshots the cycle sends held under the cursor tag, the holds the cursor has
 * moved past released (found from the listing's hold counts), in recursive commands where a subtree
 * the job selects whole allows it.
 */
class PrepareStepTest {

  private static final CycleSettings SETTINGS =
      pushSettings(keep(lastN(10)), keep(lastN(10)), "sink");
  private static final DatasetName ROOT = DatasetName.of("pool/tree");
  private static final DatasetName A = ROOT.child("a");
  private static final DatasetName B = ROOT.child("b");

  /** A filesystem at {@code versions} with the cursor at {@code cursor} and these held. */
  private static SenderFilesystem fs(
      DatasetName name, String versions, String cursor, String... held) {
    SenderFilesystem plain =
        Listings.sender(name, versions, cursor.isEmpty() ? Map.of() : Map.of("sink", cursor));
    return new SenderFilesystem(plain.name(), plain.versions(), plain.marks(), Set.of(held));
  }

  private static JobListing listing(
      Set<DatasetName> wholeSubtrees,
      Map<DatasetName, ReplicaDataset> replicas,
      SenderFilesystem... fs) {
    List<SenderFilesystem> all = List.of(fs);
    return new JobListing(
        Optional.empty(),
        Optional.of("zf_"),
        all,
        List.of(sink("sink", replicas)),
        all.stream().map(SenderFilesystem::name).collect(Collectors.toSet()),
        wholeSubtrees);
  }

  private static StepSpec.Prepare prepare(JobListing listing, CycleSettings settings) {
    return CyclePlanner.prepare(listing, CyclePlanner.plan(listing, settings, LATER), settings)
        .orElseThrow();
  }

  private static List<String> names(List<SnapshotName> snapshots) {
    return snapshots.stream().map(SnapshotName::full).sorted().toList();
  }

  @Test
  void holdsWhatTheCycleSendsAndReleasesWhatTheCursorHasPassed() {
    // a: replicated up to @b (the cursor), @a still held from the cycle before, @c new.
    // b: up to date at @c; @a held by someone else's tag, @b the previous cursor.
    Map<DatasetName, ReplicaDataset> replicas = new HashMap<>();
    replicas.put(target(A), replica(A, "@a @b"));
    replicas.put(target(B), replica(B, "@a @b @c"));
    JobListing listing =
        listing(
            Set.of(),
            replicas,
            fs(A, "@a @b @c", "@b", "a", "b"),
            fs(B, "@a @b @c", "@c", "a", "b", "c"));

    StepSpec.Prepare prepare = prepare(listing, SETTINGS);

    StepSpec.Prepare.Snapshots hold = prepare.hold().get("sink");
    assertThat(hold.recursive()).isEmpty();
    assertThat(names(hold.each())).containsExactly("pool/tree/a@c");
    // Released: what is older than each cursor; never a cursor, never what is sent.
    assertThat(names(prepare.release().get("sink").each()))
        .containsExactly("pool/tree/a@a", "pool/tree/b@a", "pool/tree/b@b");
  }

  @Test
  void theIncrementalBaseIsHeldWhenTheCursorIsElsewhereAndNothingIsReleasedWithoutACursor() {
    Map<DatasetName, ReplicaDataset> replicas = new HashMap<>();
    replicas.put(target(A), replica(A, "@a"));
    JobListing listing = listing(Set.of(), replicas, fs(A, "@a @b", "", "a"));

    StepSpec.Prepare prepare = prepare(listing, SETTINGS);

    assertThat(names(prepare.hold().get("sink").each()))
        .as("the base @a (no cursor says it is held) and the target @b")
        .containsExactly("pool/tree/a@a", "pool/tree/a@b");
    assertThat(prepare.release()).isEmpty();
  }

  @Test
  void aSubtreeSelectedWholeIsHeldAndReleasedByOneRecursiveCommand() {
    Map<DatasetName, ReplicaDataset> replicas = new LinkedHashMap<>();
    for (DatasetName fs : List.of(ROOT, A, B)) {
      replicas.put(target(fs), replica(fs, "@a @b"));
    }
    JobListing listing =
        listing(
            Set.of(ROOT),
            replicas,
            fs(ROOT, "@a @b @c", "@b", "a", "b"),
            fs(A, "@a @b @c", "@b", "a", "b"),
            fs(B, "@a @b @c", "@b", "a", "b"));

    StepSpec.Prepare prepare = prepare(listing, SETTINGS);

    StepSpec.Prepare.Snapshots hold = prepare.hold().get("sink");
    assertThat(hold.each()).isEmpty();
    assertThat(hold.recursive()).containsOnlyKeys(ROOT.snapshot("c"));
    assertThat(names(hold.recursive().get(ROOT.snapshot("c"))))
        .containsExactly("pool/tree/a@c", "pool/tree/b@c", "pool/tree@c");
    StepSpec.Prepare.Snapshots release = prepare.release().get("sink");
    assertThat(release.recursive()).containsOnlyKeys(ROOT.snapshot("a"));
    assertThat(release.each()).isEmpty();
  }

  @Test
  void aSubtreeWithOneFilesystemThatMustKeepItsHoldIsReleasedByName() {
    Map<DatasetName, ReplicaDataset> replicas = new LinkedHashMap<>();
    replicas.put(target(ROOT), replica(ROOT, "@a @b"));
    replicas.put(target(A), replica(A, "@a @b"));
    // b's replication failed last cycle: its cursor is still @a, which must stay held.
    replicas.put(target(B), replica(B, "@a"));
    JobListing listing =
        listing(
            Set.of(ROOT),
            replicas,
            fs(ROOT, "@a @b @c", "@b", "a", "b"),
            fs(A, "@a @b @c", "@b", "a", "b"),
            fs(B, "@a @b @c", "@a", "a", "b"));

    StepSpec.Prepare prepare = prepare(listing, SETTINGS);

    StepSpec.Prepare.Snapshots release = prepare.release().get("sink");
    assertThat(release.recursive()).isEmpty();
    assertThat(names(release.each())).containsExactly("pool/tree/a@a", "pool/tree@a");
    // Holding the cycle's @c is still one command for the whole subtree.
    assertThat(prepare.hold().get("sink").recursive()).containsOnlyKeys(ROOT.snapshot("c"));
  }

  @Test
  void missingPlaceholdersOfEveryFilesystemAreCreatedOnceParentsFirst() {
    DatasetName deep = DatasetName.of("pool/x/y/z");
    DatasetName other = DatasetName.of("pool/x/w");
    JobListing listing = listing(Set.of(), Map.of(), fs(deep, "@a", ""), fs(other, "@a", ""));

    StepSpec.Prepare prepare = prepare(listing, SETTINGS);

    assertThat(prepare.placeholders().get("sink"))
        .extracting(DatasetName::value)
        .containsExactly(
            "backup/sink/n1",
            "backup/sink/n1/pool",
            "backup/sink/n1/pool/x",
            "backup/sink/n1/pool/x/y");
  }

  @Test
  void aPullJobHasNoPrepareStep() {
    Map<DatasetName, ReplicaDataset> replicas = new HashMap<>();
    replicas.put(target(A), replica(A, "@a"));
    JobListing listing = listing(Set.of(), replicas, fs(A, "@a @b", "@a", "a"));
    CycleSettings pull =
        new CycleSettings(
            CycleSettings.Kind.PULL,
            "pull",
            "n1",
            List.of("sink"),
            SETTINGS.snapshotting(),
            SETTINGS.senderPruning(),
            SETTINGS.receiverPruning(),
            SETTINGS.initialReplication(),
            Optional.empty());

    assertThat(CyclePlanner.prepare(listing, CyclePlanner.plan(listing, pull, LATER), pull))
        .isEmpty();
  }
}
