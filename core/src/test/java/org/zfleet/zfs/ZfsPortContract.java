package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.zfs.PortTransfers.pipe;
import static org.zfleet.zfs.PortTransfers.receiveBytes;
import static org.zfleet.zfs.PortTransfers.sendBytes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * What every {@link ZfsPort} must do, run against the in-memory model (with zfs-fuse's and with
 * OpenZFS's capabilities), real zfs-fuse and real OpenZFS; {@link ZfsPortCapabilityContract} adds
 * what depends on capabilities. Where they differ, real ZFS is right. Each test works below its own
 * fresh scratch filesystems.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ZfsPortContract {

  /** The port under test. */
  protected abstract ZfsPort port();

  /** A fresh, empty filesystem for this test on the first pool. */
  protected abstract DatasetName scratch();

  /** A fresh, empty filesystem for this test on a second pool, where streams are received. */
  protected abstract DatasetName otherScratch();

  /** Writes a file into a filesystem's live contents. */
  protected abstract void writeFile(DatasetName filesystem, String name, byte[] data);

  /** A file of a filesystem's live contents, if it exists. */
  protected abstract Optional<byte[]> readFile(DatasetName filesystem, String name);

  private static final String PROP = "zfleet:contract";

  // ---- listing

  @Test
  void listsTheSubtreeInTreeOrderWithVersionsByCreatetxg() {
    DatasetName root = scratch();
    DatasetName a = root.child("a");
    DatasetName b = a.child("b");
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    port().createFilesystem(a, Map.of(), false);
    port().createFilesystem(b, Map.of(), false);
    port().snapshot(List.of(a), "s1");
    port().snapshot(List.of(b), "s1");
    port().snapshot(List.of(a), "s2");
    Instant after = Instant.now();

    List<DatasetListing> listing = port().list(List.of(root), Set.of());

    assertThat(listing).extracting(DatasetListing::name).containsExactly(root, a, b);
    assertThat(listing).allMatch(l -> l.type() == DatasetListing.Type.FILESYSTEM);
    List<FilesystemVersion> versions = versions(a);
    assertThat(versions).extracting(FilesystemVersion::name).containsExactly("s1", "s2");
    assertThat(versions.get(0).createTxg()).isLessThan(versions.get(1).createTxg());
    assertThat(versions).allMatch(v -> v.kind() == FilesystemVersion.Kind.SNAPSHOT);
    List<Long> guids =
        listing.stream().flatMap(l -> l.versions().stream()).map(FilesystemVersion::guid).toList();
    assertThat(guids).hasSize(3).doesNotHaveDuplicates().doesNotContain(0L);
    for (FilesystemVersion v : versions) {
      assertThat(v.creation().getNano()).as("creation has whole seconds").isZero();
      assertThat(v.creation()).isBetween(before, after);
    }
  }

  @Test
  void listsSeveralRootsOnceEachAndLeavesOutMissingOnes() {
    DatasetName root = scratch();
    DatasetName a = root.child("a");
    port().createFilesystem(a, Map.of(), false);

    List<DatasetListing> listing =
        port().list(List.of(a, root, root.child("missing"), otherScratch()), Set.of());

    assertThat(listing).extracting(DatasetListing::name).containsExactly(root, a, otherScratch());
    assertThat(port().list(List.of(root.child("missing")), Set.of())).isEmpty();
  }

  /** No roots: every pool of the host (zrepl's {@code "<"}), in tree order, with versions. */
  @Test
  void noRootsListsEveryPool() {
    DatasetName a = scratch().child("a");
    port().createFilesystem(a, Map.of(), false);
    port().snapshot(List.of(a), "s1");

    List<DatasetListing> listing = port().list(List.of(), Set.of());

    List<DatasetName> names = listing.stream().map(DatasetListing::name).toList();
    DatasetName pool1 = DatasetName.of(scratch().pool());
    DatasetName pool2 = DatasetName.of(otherScratch().pool());
    assertThat(names).contains(pool1, scratch(), a, pool2, otherScratch());
    assertThat(names.indexOf(pool1)).isLessThan(names.indexOf(scratch()));
    assertThat(names.indexOf(scratch())).isLessThan(names.indexOf(a));
    assertThat(listing.get(names.indexOf(a)).versions())
        .extracting(FilesystemVersion::name)
        .containsExactly("s1");
  }

  @Test
  void namesWithSpacesDotsColonsAndDashesWork() {
    DatasetName odd = scratch().child("a b.c:d-e");
    DatasetName inner = odd.child("x y");
    port().createFilesystem(inner, Map.of(), true);
    port().snapshot(List.of(odd, inner), "s 1.2:3-4");
    port().setUserProperty(inner.snapshot("s 1.2:3-4").full(), PROP, "odd value = with: spaces");

    assertThat(port().list(List.of(odd), Set.of(PROP)))
        .extracting(DatasetListing::name)
        .containsExactly(odd, inner);
    assertThat(versions(inner)).extracting(FilesystemVersion::name).containsExactly("s 1.2:3-4");
    assertThat(snapshotProperty(inner, "s 1.2:3-4")).contains("odd value = with: spaces");
    port().destroySnapshot(inner.snapshot("s 1.2:3-4"));
    assertThat(versions(inner)).isEmpty();
  }

  // ---- user properties

  @Test
  void userPropertiesAreSetInheritedAndListed() {
    DatasetName root = scratch();
    DatasetName child = root.child("child");
    port().createFilesystem(child, Map.of(), false);
    // A snapshot's listed properties are its own or inherited: they show what the child has.
    port().snapshot(List.of(child), "s");
    assertThat(snapshotProperty(child, "s")).isEmpty();

    port().setUserProperty(root.value(), PROP, "top");
    assertThat(snapshotProperty(child, "s")).contains("top");
    port().setUserProperty(child.value(), PROP, "own");
    assertThat(snapshotProperty(child, "s")).contains("own");

    port().setUserProperty(child.snapshot("s").full(), "zfleet:snap", "on the snapshot");
    List<DatasetListing> listing =
        port().list(List.of(root), Set.of(PROP, "zfleet:snap", "zfleet:unset"));
    assertThat(listing.get(0).properties()).isEqualTo(Map.of(PROP, "top"));
    assertThat(listing.get(1).properties()).isEqualTo(Map.of(PROP, "own"));
    assertThat(listing.get(1).versionProperties())
        .isEqualTo(Map.of("s", Map.of(PROP, "own", "zfleet:snap", "on the snapshot")));

    port().inheritUserProperty(child, PROP);
    assertThat(snapshotProperty(child, "s")).contains("top");
    // A listing names only the values set on a dataset: a parent's mark is not the child's.
    assertThat(port().list(List.of(root), Set.of(PROP)).get(1).properties()).isEmpty();
    port().inheritUserProperty(root, PROP);
    assertThat(snapshotProperty(child, "s")).isEmpty();
  }

  // ---- snapshots, destroy, holds

  @Test
  void recursiveSnapshotTakesEveryDescendantInOneTxg() {
    DatasetName a = scratch().child("a");
    DatasetName c = a.child("b").child("c");
    port().createFilesystem(c, Map.of(), true);

    port().snapshotRecursive(a, "r");

    List<DatasetListing> listing = port().list(List.of(a), Set.of());
    assertThat(listing).hasSize(3);
    assertThat(listing)
        .allSatisfy(
            l -> assertThat(l.versions()).extracting(FilesystemVersion::name).containsExactly("r"));
    assertThat(listing.stream().map(l -> l.versions().get(0).createTxg()).distinct()).hasSize(1);
  }

  @Test
  void snapshotOfSeveralDatasetsTakesExactlyThose() {
    DatasetName a = scratch().child("a");
    DatasetName b = scratch().child("b");
    DatasetName c = scratch().child("c");
    for (DatasetName d : List.of(a, b, c)) {
      port().createFilesystem(d, Map.of(), false);
    }

    port().snapshot(List.of(a, c), "m");

    assertThat(versions(a)).extracting(FilesystemVersion::name).containsExactly("m");
    assertThat(versions(b)).isEmpty();
    assertThat(versions(c)).extracting(FilesystemVersion::name).containsExactly("m");
  }

  @Test
  void destroyRemovesOneSnapshot() {
    DatasetName fs = scratch();
    port().snapshot(List.of(fs), "s1");
    port().snapshot(List.of(fs), "s2");

    port().destroySnapshot(fs.snapshot("s1"));

    assertThat(versions(fs)).extracting(FilesystemVersion::name).containsExactly("s2");
    assertThatThrownBy(() -> port().destroySnapshot(fs.snapshot("s1")))
        .isInstanceOf(ZfsException.NotFound.class)
        .hasMessageContaining(fs.snapshot("s1").full());
  }

  @Test
  void holdBlocksDestroyUntilReleased() {
    SnapshotName s = scratch().snapshot("held");
    port().snapshot(List.of(scratch()), "held");
    port().hold(s, "zfleet_one");
    try {
      port().hold(s, "zfleet_two");

      Holds holds = port().holds(s);
      assertThat(holds.count()).isEqualTo(2);
      assertThat(holds.tags())
          .isEqualTo(
              port().capabilities().holdsCommand()
                  ? Optional.of(Set.of("zfleet_one", "zfleet_two"))
                  : Optional.empty());
      assertThatThrownBy(() -> port().destroySnapshot(s))
          .isInstanceOf(ZfsException.Busy.class)
          .hasMessageContaining(s.full());
      assertThatThrownBy(() -> port().hold(s, "zfleet_one"))
          .isInstanceOf(ZfsException.AlreadyExists.class);

      port().release(s, "never_held");
      port().release(s, "zfleet_one");
      assertThat(port().holds(s).count()).isEqualTo(1);
      assertThatThrownBy(() -> port().destroySnapshot(s)).isInstanceOf(ZfsException.Busy.class);
    } finally {
      // Held snapshots would stop the clean-up's destroy -r: release whatever is left.
      port().release(s, "zfleet_one");
      port().release(s, "zfleet_two");
    }
    assertThat(port().holds(s).count()).isZero();
    port().destroySnapshot(s);
    assertThat(versions(scratch())).isEmpty();
  }

  @Test
  void holdAllAndReleaseAllTakeManySnapshotsAndReportOnlyRealFailures() {
    DatasetName a = scratch().child("a");
    DatasetName b = scratch().child("b");
    port().createFilesystem(a, Map.of(), false);
    port().createFilesystem(b, Map.of(), false);
    port().snapshotRecursive(scratch(), "s1");
    port().snapshot(List.of(a), "s2");
    String tag = "zfleet_batch";
    port().hold(a.snapshot("s1"), tag);
    List<SnapshotName> held = List.of(a.snapshot("s1"), a.snapshot("s2"), b.snapshot("s1"));
    SnapshotName gone = a.snapshot("gone");
    SnapshotName noDataset = scratch().child("none").snapshot("s1");
    try {
      Map<SnapshotName, String> failed =
          port().holdAll(tag, List.of(held.get(0), held.get(1), gone, held.get(2), noDataset));

      assertThat(failed).containsOnlyKeys(gone, noDataset);
      assertThat(failed.get(gone)).contains("does not exist");
      for (SnapshotName s : held) {
        assertThat(port().holds(s).count()).as("holds on %s", s).isEqualTo(1);
      }
      assertThatThrownBy(() -> port().destroySnapshot(a.snapshot("s2")))
          .isInstanceOf(ZfsException.Busy.class);
      List<DatasetListing> listing =
          port().list(List.of(scratch()), Set.of(DatasetListing.USERREFS));
      DatasetListing ofA =
          listing.stream().filter(d -> d.name().equals(a)).findFirst().orElseThrow();
      assertThat(ofA.userRefs("s1")).isEqualTo(1);
      assertThat(ofA.userRefs("s2")).isEqualTo(1);
      DatasetListing ofRoot = listing.get(0);
      assertThat(ofRoot.userRefs("s1")).as("a snapshot without holds").isZero();
      assertThat(ofRoot.versionProperties()).doesNotContainKey("s1");
      assertThat(port().list(List.of(a), Set.of()).get(0).versionProperties()).isEmpty();

      SnapshotName neverHeld = scratch().snapshot("s1");
      assertThat(
              port()
                  .releaseAll(tag, List.of(neverHeld, held.get(0), gone, held.get(1), held.get(2))))
          .isEmpty();
      for (SnapshotName s : held) {
        assertThat(port().holds(s).count()).as("holds on %s", s).isZero();
      }
    } finally {
      held.forEach(s -> port().release(s, tag));
    }
    port().destroySnapshot(a.snapshot("s2"));
  }

  @Test
  void recursiveHoldAndReleaseTakeEveryDescendantsSnapshotOfTheNameAllOrNothing() {
    DatasetName a = scratch().child("a");
    DatasetName b = a.child("b");
    DatasetName c = scratch().child("c");
    port().createFilesystem(a, Map.of(), false);
    port().createFilesystem(b, Map.of(), false);
    port().createFilesystem(c, Map.of(), false);
    port().snapshotRecursive(scratch(), "s1");
    port().snapshot(List.of(b), "s2");
    String tag = "zfleet_recursive";
    List<SnapshotName> subtree = List.of(a.snapshot("s1"), b.snapshot("s1"));
    try {
      port().holdRecursive(tag, a.snapshot("s1"));

      for (SnapshotName s : subtree) {
        assertThat(port().holds(s).count()).as("holds on %s", s).isEqualTo(1);
      }
      assertThat(port().holds(scratch().snapshot("s1")).count()).as("above the root").isZero();
      assertThat(port().holds(c.snapshot("s1")).count()).as("beside the root").isZero();
      assertThat(port().holds(b.snapshot("s2")).count()).as("another name").isZero();

      // One of them held already: nothing is held and it fails.
      port().hold(c.snapshot("s1"), tag);
      assertThatThrownBy(() -> port().holdRecursive(tag, scratch().snapshot("s1")))
          .isInstanceOf(ZfsException.class);
      assertThat(port().holds(scratch().snapshot("s1")).count()).isZero();
      port().release(c.snapshot("s1"), tag);

      port().releaseRecursive(tag, a.snapshot("s1"));
      for (SnapshotName s : subtree) {
        assertThat(port().holds(s).count()).as("holds on %s", s).isZero();
      }
      assertThatThrownBy(() -> port().releaseRecursive(tag, a.snapshot("s1")))
          .as("a release of a tag that is not there")
          .isInstanceOf(ZfsException.class);
    } finally {
      port().releaseAll(tag, List.of(a.snapshot("s1"), b.snapshot("s1"), c.snapshot("s1")));
    }
  }

  // ---- typed failures

  @Test
  void missingAndExistingThingsFailTyped() {
    DatasetName fs = scratch();
    DatasetName missing = fs.child("missing");
    SnapshotName missingSnap = fs.snapshot("missing");
    port().snapshot(List.of(fs), "s");

    assertThatThrownBy(() -> port().createFilesystem(fs, Map.of(), false))
        .isInstanceOf(ZfsException.AlreadyExists.class)
        .hasMessageContaining(fs.value());
    assertThatThrownBy(() -> port().createFilesystem(missing.child("x"), Map.of(), false))
        .isInstanceOf(ZfsException.NotFound.class);
    assertThatThrownBy(() -> port().snapshot(List.of(fs), "s"))
        .isInstanceOf(ZfsException.AlreadyExists.class);
    assertThatThrownBy(() -> port().snapshot(List.of(missing), "s"))
        .isInstanceOf(ZfsException.NotFound.class);
    assertThatThrownBy(() -> port().setUserProperty(missing.value(), PROP, "x"))
        .isInstanceOf(ZfsException.NotFound.class)
        .hasMessageContaining(missing.value());
    assertThatThrownBy(() -> port().hold(missingSnap, "t"))
        .isInstanceOf(ZfsException.NotFound.class);
    assertThatThrownBy(() -> port().holds(missingSnap)).isInstanceOf(ZfsException.NotFound.class);
    assertThatThrownBy(() -> sendBytes(port(), SendRequest.full(missingSnap)))
        .isInstanceOf(ZfsException.NotFound.class)
        .hasMessageContaining(missingSnap.full());
    FilesystemVersion ghost = FilesystemVersion.snapshot("ghost", 1, 1, Instant.EPOCH);
    assertThatThrownBy(() -> sendBytes(port(), SendRequest.incremental(ghost, fs.snapshot("s"))))
        .isInstanceOf(ZfsException.NotFound.class);

    port().createFilesystem(missing.child("x"), Map.of(), true);
    assertThat(port().list(List.of(missing), Set.of())).hasSize(2);
  }

  @Test
  void missingParentsAreMadeOneByOneWithTheChildsProperties() {
    DatasetName top = scratch().child("p");
    DatasetName leaf = top.child("q").child("r");
    port().createFilesystem(leaf, Map.of(PROP, "mine", "canmount", "off"), true);
    // Marked at their creation, not inherited: `zfs create -p` would leave them unmarked.
    assertThat(port().list(List.of(top), Set.of(PROP)))
        .extracting(d -> d.name().value() + "=" + d.properties().get(PROP))
        .containsExactly(top + "=mine", top.child("q") + "=mine", leaf + "=mine");
    // A parent that exists is left as it is.
    port().createFilesystem(top.child("s"), Map.of(PROP, "other"), true);
    assertThat(port().list(List.of(top), Set.of(PROP)).get(0).properties())
        .containsEntry(PROP, "mine");
  }

  // ---- send and receive

  @Test
  void fullSendReceivesIntoAnotherPoolWithEqualDataAndProperties() {
    DatasetName src = scratch();
    byte[] big = randomBytes(100_000, 1);
    writeFile(src, "big", big);
    writeFile(src, "small", bytes("hello"));
    port().snapshot(List.of(src), "a");
    DatasetName target = otherScratch().child("copy");

    pipe(
        port(),
        SendRequest.full(src.snapshot("a")),
        new ReceiveRequest(target, false, Map.of(PROP, "received")));

    FilesystemVersion sent = versions(src).get(0);
    FilesystemVersion got = versions(target).get(0);
    assertThat(got.name()).isEqualTo("a");
    assertThat(got.guid()).isEqualTo(sent.guid());
    assertThat(got.creation()).isEqualTo(sent.creation());
    assertThat(readFile(target, "big")).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
    assertThat(text(readFile(target, "small"))).isEqualTo("hello");
    assertThat(port().list(List.of(target), Set.of(PROP)).get(0).properties())
        .containsEntry(PROP, "received");
    assertThatThrownBy(
            () -> pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(target)))
        .isInstanceOf(ZfsException.AlreadyExists.class)
        .hasMessageContaining(target.value());
  }

  @Test
  void incrementalAndIntermediateSendsCarrySnapshotsWithTheirGuids() {
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    writeFile(src, "f1", bytes("1"));
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(target));
    writeFile(src, "f2", bytes("2"));
    port().snapshot(List.of(src), "b");
    writeFile(src, "f3", bytes("3"));
    port().snapshot(List.of(src), "c");
    port().snapshot(List.of(src), "d");

    pipe(
        port(),
        SendRequest.incremental(version(src, "a"), src.snapshot("b")),
        ReceiveRequest.into(target));
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "b");
    pipe(
        port(),
        SendRequest.intermediate(version(src, "b"), src.snapshot("d")),
        ReceiveRequest.into(target));

    assertThat(versions(target))
        .extracting(FilesystemVersion::name)
        .containsExactly("a", "b", "c", "d");
    assertThat(versions(target))
        .extracting(FilesystemVersion::guid)
        .containsExactlyElementsOf(versions(src).stream().map(FilesystemVersion::guid).toList());
    assertThat(text(readFile(target, "f3"))).isEqualTo("3");
    assertThat(text(readFile(target, "f1"))).isEqualTo("1");
  }

  @Test
  void incrementalWithTheWrongBaseFailsAndLeavesTheTargetUnchanged() {
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(target));
    writeFile(src, "f", bytes("x"));
    port().snapshot(List.of(src), "b");
    port().snapshot(List.of(src), "c");
    List<FilesystemVersion> before = versions(target);

    assertThatThrownBy(
            () ->
                pipe(
                    port(),
                    SendRequest.incremental(version(src, "b"), src.snapshot("c")),
                    ReceiveRequest.into(target)))
        .isInstanceOf(ZfsException.StreamFailed.class)
        .hasMessageContaining(target.value());

    assertThat(versions(target)).isEqualTo(before);
  }

  @Test
  void incrementalIntoAMissingTargetFailsWithoutTouchingOtherFilesystems() {
    DatasetName src = scratch();
    DatasetName copy = otherScratch().child("copy");
    DatasetName missing = otherScratch().child("missing");
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(copy));
    port().snapshot(List.of(src), "b");

    assertThatThrownBy(
            () ->
                pipe(
                    port(),
                    SendRequest.incremental(version(src, "a"), src.snapshot("b")),
                    ReceiveRequest.into(missing)))
        .isInstanceOf(ZfsException.NotFound.class)
        .hasMessageContaining(missing.value());

    assertThat(versions(copy)).extracting(FilesystemVersion::name).containsExactly("a");
    assertThat(port().list(List.of(missing), Set.of())).isEmpty();
  }

  @Test
  void forcedReceiveDiscardsChangesMadeOnTheTarget() {
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    writeFile(src, "f", bytes("source"));
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(target));
    writeFile(target, "local", bytes("diverged"));
    writeFile(src, "f", bytes("newer"));
    port().snapshot(List.of(src), "b");
    SendRequest increment = SendRequest.incremental(version(src, "a"), src.snapshot("b"));

    // Without -F, zfs refuses a target changed since its newest snapshot; zfleet's command-line
    // adapter rolls a replica found mounted and writable back first (ReceiveSafetyIT).
    pipe(port(), increment, new ReceiveRequest(target, true, Map.of()));
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "b");
    assertThat(text(readFile(target, "f"))).isEqualTo("newer");
    assertThat(readFile(target, "local")).isEmpty();
  }

  @Test
  void aSnapshotMadeOnTheTargetSinceTheBaseIsAConflictThatForceDoesNotOverride() {
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(target));
    port().snapshot(List.of(target), "local");
    writeFile(src, "f", bytes("x"));
    port().snapshot(List.of(src), "b");
    SendRequest increment = SendRequest.incremental(version(src, "a"), src.snapshot("b"));

    for (boolean force : new boolean[] {false, true}) {
      assertThatThrownBy(() -> pipe(port(), increment, new ReceiveRequest(target, force, Map.of())))
          .as("force %s", force)
          .isInstanceOf(ZfsException.StreamFailed.class)
          .hasMessageContaining("@local");
    }

    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "local");
  }

  @Test
  void aForcedFullStreamOverwritesOnlyATargetWithoutSnapshots() {
    DatasetName src = scratch();
    DatasetName placeholder = otherScratch().child("placeholder");
    DatasetName replica = otherScratch().child("replica");
    port().createFilesystem(placeholder, Map.of("canmount", "off"), false);
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(replica));

    assertThatThrownBy(
            () ->
                pipe(
                    port(),
                    SendRequest.full(src.snapshot("a")),
                    new ReceiveRequest(replica, true, Map.of())))
        .isInstanceOf(ZfsException.class);
    pipe(
        port(),
        SendRequest.full(src.snapshot("a")),
        new ReceiveRequest(placeholder, true, Map.of(PROP, "replica")));

    assertThat(versions(replica)).extracting(FilesystemVersion::name).containsExactly("a");
    assertThat(versions(placeholder)).extracting(FilesystemVersion::name).containsExactly("a");
    assertThat(port().list(List.of(placeholder), Set.of(PROP)).get(0).properties().get(PROP))
        .isEqualTo("replica");
  }

  @Test
  void truncatedOrCorruptStreamsFailAndLeaveTheTargetUnchanged() {
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    writeFile(src, "big", randomBytes(200_000, 2));
    port().snapshot(List.of(src), "a");
    byte[] full = sendBytes(port(), SendRequest.full(src.snapshot("a")));

    assertThatThrownBy(
            () ->
                receiveBytes(
                    port(), ReceiveRequest.into(target), Arrays.copyOf(full, full.length / 2)))
        .isInstanceOf(ZfsException.StreamFailed.class);
    assertThat(port().list(List.of(target), Set.of())).isEmpty();
    byte[] corrupt = full.clone();
    corrupt[corrupt.length / 2] ^= (byte) 0xff;
    assertThatThrownBy(() -> receiveBytes(port(), ReceiveRequest.into(target), corrupt))
        .isInstanceOf(ZfsException.StreamFailed.class);
    assertThat(port().list(List.of(target), Set.of())).isEmpty();

    receiveBytes(port(), ReceiveRequest.into(target), full);
    writeFile(src, "more", randomBytes(50_000, 3));
    port().snapshot(List.of(src), "b");
    byte[] increment =
        sendBytes(port(), SendRequest.incremental(version(src, "a"), src.snapshot("b")));
    assertThatThrownBy(
            () ->
                receiveBytes(
                    port(),
                    ReceiveRequest.into(target),
                    Arrays.copyOf(increment, increment.length / 2)))
        .isInstanceOf(ZfsException.StreamFailed.class);
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a");
    receiveBytes(port(), ReceiveRequest.into(target), increment);
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "b");
  }

  // ---- clones and space

  @Test
  void aCloneShowsItsSnapshotAndHoldsItUntilTheCloneIsDestroyed() {
    DatasetName fs = scratch().child("fs");
    DatasetName clone = scratch().child("clone");
    port().createFilesystem(fs, Map.of(), false);
    writeFile(fs, "a", bytes("in s1"));
    port().snapshot(List.of(fs), "s1");
    writeFile(fs, "b", bytes("after s1"));

    port().clone(fs.snapshot("s1"), clone, Map.of(PROP, "made by the test"));

    assertThat(readFile(clone, "a"))
        .hasValueSatisfying(d -> assertThat(d).isEqualTo(bytes("in s1")));
    assertThat(readFile(clone, "b")).isEmpty();
    assertThat(port().list(List.of(clone), Set.of(PROP)).get(0).properties().get(PROP))
        .isEqualTo("made by the test");
    assertThat(versions(fs)).extracting(FilesystemVersion::name).containsExactly("s1");
    assertThatThrownBy(() -> port().destroySnapshot(fs.snapshot("s1")))
        .isInstanceOf(ZfsException.class);

    destroyWhenNotBusy(clone);
    assertThat(port().list(List.of(scratch()), Set.of()))
        .extracting(DatasetListing::name)
        .containsExactly(scratch(), fs);
    port().destroySnapshot(fs.snapshot("s1"));
  }

  @Test
  void destroyFilesystemRefusesOneWithSnapshotsOrChildren() {
    DatasetName parent = scratch().child("parent");
    DatasetName child = parent.child("child");
    port().createFilesystem(child, Map.of(), true);
    port().snapshot(List.of(child), "s");

    assertThatThrownBy(() -> port().destroyFilesystem(parent)).isInstanceOf(ZfsException.class);
    assertThatThrownBy(() -> port().destroyFilesystem(child)).isInstanceOf(ZfsException.class);
    assertThatThrownBy(() -> port().destroyFilesystem(DatasetName.of(scratch().pool())))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(port().list(List.of(parent), Set.of()))
        .extracting(DatasetListing::name)
        .containsExactly(parent, child);
  }

  @Test
  void spaceUsedCountsDataAndChildrenAndLeavesOutMissingRoots() {
    DatasetName parent = scratch().child("parent");
    DatasetName child = parent.child("child");
    port().createFilesystem(child, Map.of(), true);
    byte[] data = new byte[256 * 1024];
    new Random(3).nextBytes(data);
    writeFile(child, "data", data);
    port().snapshot(List.of(child), "s");

    Map<DatasetName, Long> used = port().spaceUsed(List.of(parent, scratch().child("missing")));

    assertThat(used.keySet()).containsExactlyInAnyOrder(parent, child);
    assertThat(used.get(child)).isGreaterThanOrEqualTo(data.length);
    assertThat(used.get(parent)).isGreaterThanOrEqualTo(used.get(child));
  }

  /** zfs-fuse calls a filesystem that was just read busy for a moment. */
  private void destroyWhenNotBusy(DatasetName filesystem) {
    for (int attempt = 0; ; attempt++) {
      try {
        port().destroyFilesystem(filesystem);
        return;
      } catch (ZfsException.Busy e) {
        if (attempt >= 20) {
          throw e;
        }
        sleep(250);
      }
    }
  }

  // ---- helpers

  protected List<FilesystemVersion> versions(DatasetName fs) {
    return port().list(List.of(fs), Set.of()).stream()
        .filter(l -> l.name().equals(fs))
        .findFirst()
        .orElseThrow(() -> new AssertionError(fs + " is not listed"))
        .versions();
  }

  protected FilesystemVersion version(DatasetName fs, String name) {
    return versions(fs).stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(fs + "@" + name + " is not listed"));
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(Optional<byte[]> data) {
    return new String(
        data.orElseThrow(() -> new AssertionError("no such file")), StandardCharsets.UTF_8);
  }

  protected static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A snapshot's user property as a listing reports it (set on it, or inherited). */
  private java.util.Optional<String> snapshotProperty(DatasetName fs, String snapshot) {
    return java.util.Optional.ofNullable(
        port().list(List.of(fs), Set.of(PROP)).stream()
            .filter(d -> d.name().equals(fs))
            .findFirst()
            .orElseThrow()
            .versionProperties()
            .getOrDefault(snapshot, Map.of())
            .get(PROP));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
