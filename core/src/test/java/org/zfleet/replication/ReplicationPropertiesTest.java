package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.replication.PushJobModel.A;
import static org.zfleet.replication.PushJobModel.MARKS;
import static org.zfleet.replication.PushJobModel.onReceiver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.BaseProtection;
import org.zfleet.plan.CommonBase;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ModelHooks;

/**
 * Replication and pruning together over seeded random histories (a failure names its seed and
 * cycle; re-running reproduces it): the push job's own steps, planner, transfers and keep rules run
 * cycle after cycle on the in-memory ZFS, with random snapshots, data, clock jumps, keep rules and
 * failed transfers. The receiver must always be a prefix-consistent copy of the sender's history
 * and no pruning may ever remove the incremental base.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicationPropertiesTest {

  private static final int SEEDS = 120;
  private static final int CYCLES = 12;
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Materializer materializer = Materializer.matFromSystem(kit.system());

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  /** What the generator reached over all seeds, so the properties are known to check something. */
  private static final class Tally {
    int cycles;
    int replicated;
    int severalSnapshotsInOneCycle;
    int failedTransfers;
    int prunedOnSender;
    int prunedOnReceiver;
    int baseBehindTheNewestThree;

    void check() {
      String shares =
          "cycles "
              + cycles
              + ", replicated "
              + replicated
              + ", several snapshots at once "
              + severalSnapshotsInOneCycle
              + ", failed transfers "
              + failedTransfers
              + ", pruned on sender "
              + prunedOnSender
              + ", pruned on receiver "
              + prunedOnReceiver
              + ", base behind the newest three "
              + baseBehindTheNewestThree;
      assertThat(replicated).as(shares).isGreaterThan(cycles / 4);
      assertThat(severalSnapshotsInOneCycle).as(shares).isGreaterThan(cycles / 20);
      assertThat(failedTransfers).as(shares).isGreaterThan(cycles / 20);
      assertThat(prunedOnSender).as(shares).isGreaterThan(cycles / 10);
      assertThat(prunedOnReceiver).as(shares).isGreaterThan(cycles / 10);
      assertThat(baseBehindTheNewestThree).as(shares).isGreaterThan(5);
    }
  }

  @Test
  void receiverStaysAPrefixConsistentCopyAndPruningNeverRemovesTheBase() throws Exception {
    Tally tally = new Tally();
    for (long seed = 0; seed < SEEDS; seed++) {
      History history = new History(seed);
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        try {
          history.cycle(tally);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              "property fails for seed "
                  + seed
                  + " in cycle "
                  + cycle
                  + " ("
                  + history.settings
                  + ")\n  sender history "
                  + history.names
                  + "\n"
                  + e.getMessage(),
              e);
        }
      }
    }
    tally.check();
  }

  /** One seed's job, model and the sender's history: every snapshot ever taken, oldest first. */
  private static final class History {
    final Random random;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    final InMemoryZfs zfs;
    final PushJobModel.Settings settings;
    final DirectJob job;
    final List<Long> guids = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    final Map<Long, String> contents = new LinkedHashMap<>();

    History(long seed) throws Exception {
      random = new Random(seed);
      zfs = PushJobModel.modelZfs(clock, seed);
      settings =
          PushJobModel.Settings.defaults()
              .withFilesystems("\"src/data/a\" = true")
              .withKeepSender(
                  pick(
                      "{ type = not-replicated }, { type = last-n, count = "
                          + (1 + random.nextInt(3))
                          + " }",
                      "{ type = last-n, count = " + (1 + random.nextInt(3)) + " }",
                      "{ type = grid, grid = \"1x1h(keep=all) | 2x2h\" }"))
              .withKeepReceiver(
                  pick(
                      "{ type = last-n, count = " + (1 + random.nextInt(4)) + " }",
                      "{ type = grid, grid = \"2x1h | 3x4h\" }"))
              .withInitialReplication(pick("most-recent", "all"));
      job =
          DirectPushJob.of(
              PushJobModel.config(settings), zfs, clock, DirectPushJob.transfers(materializer));
      job.list();
    }

    private String pick(String... choices) {
      return choices[random.nextInt(choices.length)];
    }

    void cycle(Tally tally) throws Exception {
      tally.cycles++;
      clock.advance(Duration.ofMinutes(1 + random.nextInt(180)));
      int snapshots = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextInt(3) + 1);
      for (int i = 0; i < snapshots; i++) {
        if (random.nextInt(3) > 0) {
          byte[] data = new byte[1 + random.nextInt(3000)];
          random.nextBytes(data);
          zfs.writeFile(A, "f" + random.nextInt(4), data);
        }
        clock.advance(Duration.ofSeconds(1 + random.nextInt(30)));
        job.snapshot();
        FilesystemVersion taken = newest(A).orElseThrow();
        guids.add(taken.guid());
        names.add(taken.name());
        contents.put(taken.guid(), zfs.contentChecksum(A.snapshot(taken.name())));
      }
      if (snapshots > 1) {
        tally.severalSnapshotsInOneCycle++;
      }
      if (random.nextInt(6) == 0) {
        zfs.hooks().failNext(random.nextBoolean() ? ModelHooks.Op.SEND : ModelHooks.Op.RECEIVE, 1);
      }
      List<FilesystemVersion> receiverBefore =
          exists(onReceiver(A)) ? snapshots(onReceiver(A)) : List.of();
      List<FilesystemVersion> senderBefore = snapshots(A);
      Map<String, DirectJob.Outcome> outcomes = job.cycle();
      DirectJob.Outcome replicate = outcomes.get(DirectJob.key(A, StepKind.REPLICATE));

      assertThat(replicate.failure() instanceof ReplicationConflict)
          .as("a conflict: %s", replicate.summary())
          .isFalse();
      if (!replicate.ok()) {
        tally.failedTransfers++;
      } else if (replicate.summary().startsWith("replicated")) {
        tally.replicated++;
      }
      List<FilesystemVersion> receiver =
          exists(onReceiver(A)) ? snapshots(onReceiver(A)) : List.of();
      List<FilesystemVersion> sender = snapshots(A);
      assertPrefixConsistent(receiver);
      if (replicate.ok() && !sender.isEmpty()) {
        assertThat(receiver).as("up to date after a good replication").isNotEmpty();
        assertThat(receiver.get(receiver.size() - 1).guid())
            .isEqualTo(sender.get(sender.size() - 1).guid());
      }
      if (!replicate.ok()) {
        assertThat(newestGuid(receiver))
            .as("a failed step leaves the receiver at its last snapshot")
            .isEqualTo(newestGuid(receiverBefore));
      }
      if (!receiver.isEmpty()) {
        // The base is the receiver's newest snapshot; pruning on both sides left it in place.
        Optional<CommonBase> base = BaseProtection.newestCommon(sender, receiver);
        assertThat(base).as("a common snapshot after pruning").isPresent();
        assertThat(base.get().guid()).isEqualTo(receiver.get(receiver.size() - 1).guid());
        assertThat(zfs.holds(A.snapshot(base.get().onSender().name())).count())
            .as("cursor hold on the base")
            .isEqualTo(1);
        DatasetListing listing =
            zfs.list(List.of(A), Set.of(MARKS.cursorProperty(), MARKS.stepProperty())).get(0);
        assertThat(listing.properties().get(MARKS.cursorProperty()))
            .isEqualTo(Long.toUnsignedString(base.get().guid()));
        assertThat(listing.properties()).doesNotContainKey(MARKS.stepProperty());
        // A snapshot stays held from the cycle that sends it until the next cycle's prepare step
        // finds the cursor past it: older than the base, only what this cycle's base left behind.
        long passedBefore =
            BaseProtection.newestCommon(senderBefore, receiverBefore)
                .map(b -> b.onSender().createTxg())
                .orElse(Long.MIN_VALUE);
        List<String> heldPassed =
            sender.stream()
                .filter(v -> v.createTxg() < base.get().onSender().createTxg())
                .filter(v -> zfs.holds(A.snapshot(v.name())).count() > 0)
                .filter(v -> v.createTxg() < passedBefore)
                .map(FilesystemVersion::name)
                .toList();
        assertThat(heldPassed).as("holds the cursor passed in an earlier cycle").isEmpty();
        if (behindTheNewestThree(base.get(), sender)) {
          tally.baseBehindTheNewestThree++;
        }
      }
      for (String side : List.of("prune-sender", "prune-receiver")) {
        DirectJob.Outcome prune = outcomes.get(A.value() + " " + side);
        if (prune != null && !prune.ok()) {
          // Only before anything reached the receiver: not-replicated has no cursor to judge by.
          assertThat(prune.summary()).contains("replication cursor missing");
          assertThat(receiver).isEmpty();
        }
      }
      if (destroyedAny(outcomes.get(A.value() + " prune-sender"))) {
        tally.prunedOnSender++;
      }
      if (destroyedAny(outcomes.get(A.value() + " prune-receiver"))) {
        tally.prunedOnReceiver++;
      }
    }

    /** Every receiver snapshot is one of the sender's, in history order, with the data it had. */
    void assertPrefixConsistent(List<FilesystemVersion> receiver) {
      int at = -1;
      for (FilesystemVersion v : receiver) {
        int index = guids.indexOf(v.guid());
        assertThat(index)
            .as("receiver snapshot @%s is from the sender's history", v.name())
            .isGreaterThanOrEqualTo(0);
        assertThat(index).as("receiver snapshot @%s in history order", v.name()).isGreaterThan(at);
        at = index;
        assertThat(v.name()).isEqualTo(names.get(index));
        assertThat(zfs.contentChecksum(onReceiver(A).snapshot(v.name())))
            .as("data of @%s", v.name())
            .isEqualTo(contents.get(v.guid()));
      }
    }

    /** Whether the base is older than the newest three: what any last-n here would drop. */
    static boolean behindTheNewestThree(CommonBase base, List<FilesystemVersion> sender) {
      return sender.size() > 3
          && !sender.subList(sender.size() - 3, sender.size()).contains(base.onSender());
    }

    static boolean destroyedAny(DirectJob.Outcome prune) {
      return prune != null && prune.ok() && prune.summary().matches(".*destroyed [1-9].*");
    }

    static Optional<Long> newestGuid(List<FilesystemVersion> versions) {
      return versions.isEmpty()
          ? Optional.empty()
          : Optional.of(versions.get(versions.size() - 1).guid());
    }

    boolean exists(DatasetName fs) {
      return zfs.exists(fs);
    }

    List<FilesystemVersion> snapshots(DatasetName fs) {
      return zfs.list(List.of(fs), Set.of()).get(0).versions().stream()
          .filter(FilesystemVersion::isSnapshot)
          .toList();
    }

    Optional<FilesystemVersion> newest(DatasetName fs) {
      List<FilesystemVersion> s = snapshots(fs);
      return s.isEmpty() ? Optional.empty() : Optional.of(s.get(s.size() - 1));
    }
  }
}
