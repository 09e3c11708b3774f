package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.ReceiverState;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsCapabilities;

/**
 * A backup of a backup (issue 11, defect 6): a push job replicates {@code src/c1/a/b} to the sink
 * {@code first} (so {@code c1} and {@code c1/a} are placeholders there), and a second push job
 * selects the replicas under that sink and pushes them to the sink {@code offsite}. Placeholders on
 * the sender are replicated as placeholders, and nothing waits for a parent with nothing to send.
 */
@Timeout(60)
class ChainedReplicationTest {

  private static final ActorTestKit kit = ActorTestKit.create();
  private static final DatasetName NESTED = DatasetName.of("src/c1/a/b");
  private static final DatasetName FIRST_ROOT = DatasetName.of("dst/first");
  private static final DatasetName OFFSITE_ROOT = DatasetName.of("off/sink");

  /** {@code src/c1} as the first sink holds it: where the second job sends from. */
  private static final DatasetName REPLICA_C1 = FIRST_ROOT.child("n1/src/c1");

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private static ZfleetConfig config() {
    String text =
        String.join(
            "\n",
            "zfleet {",
            "  node { name = n1 }",
            "  jobs = [",
            "    { name = prod, type = push, sink = first",
            "      filesystems { \"" + NESTED + "\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            "      pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 2 } ]",
            "                keep-receiver = [ { type = last-n, count = 5 } ] }",
            "    }",
            "    { name = first, type = sink, root-fs = \"" + FIRST_ROOT + "\", clients = [ n1 ] }",
            "    { name = chain, type = push, sink = offsite",
            "      filesystems { \"" + REPLICA_C1 + "<\" = true }",
            "      snapshotting { type = manual, prefix = \"zf_\" }",
            "      pruning { keep-sender = [ { type = not-replicated }, { type = last-n, count = 5 } ]",
            "                keep-receiver = [ { type = last-n, count = 5 } ] }",
            "    }",
            "    { name = offsite, type = sink, root-fs = \""
                + OFFSITE_ROOT
                + "\", clients = [ n1 ] }",
            "  ]",
            "}");
    LoadResult loaded = ConfigLoader.parse(text, "chain.conf", "n1");
    assertThat(loaded.errors()).as("configuration").isEmpty();
    return loaded.config().orElseThrow();
  }

  private static DirectJob job(
      ZfleetConfig config, String name, InMemoryZfs zfs, MutableClock clock) {
    List<SinkJob> sinks =
        config.jobs().stream().filter(j -> j instanceof SinkJob).map(j -> (SinkJob) j).toList();
    Transfers transfers = Transfers.streams(Materializer.matFromSystem(kit.system()));
    NodePorts ports =
        TestPorts.of(zfs, new LocalReceiverDirectory(zfs, sinks, transfers), Runnable::run);
    PushJob push = (PushJob) config.job(name).orElseThrow();
    return new DirectJob(JobDrivers.push(push, "n1", ports, TransferOptions.defaults()), clock);
  }

  @Test
  void replicasUnderASinkArePushedOnWithTheirPlaceholders() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    InMemoryZfs zfs =
        new InMemoryZfs(clock, 11L, ZfsCapabilities.zfsFuse()).createPools("src", "dst", "off");
    zfs.createFilesystem(FIRST_ROOT, Map.of(), false);
    zfs.createFilesystem(OFFSITE_ROOT, Map.of(), false);
    zfs.createFilesystem(NESTED, Map.of(), true);
    zfs.writeFile(NESTED, "data", new byte[] {1, 2, 3});
    ZfleetConfig config = config();
    DirectJob prod = job(config, "prod", zfs, clock);
    DirectJob chain = job(config, "chain", zfs, clock);

    prod.list();
    prod.snapshot();
    assertThat(prod.cycle().get(DirectJob.key(NESTED, StepKind.REPLICATE)).ok()).isTrue();
    DatasetName onFirst = FIRST_ROOT.child("n1").child(NESTED.value());
    assertThat(zfs.exists(onFirst)).isTrue();

    // The second job: its placeholders c1 and c1/a have nothing to send; b waits for neither.
    Map<String, DirectJob.Outcome> outcomes = Map.of();
    for (int cycle = 0; cycle < 3; cycle++) {
      clock.advance(Duration.ofMinutes(1));
      outcomes = chain.cycle();
    }
    DirectJob.Outcome nested = outcomes.get(DirectJob.key(onFirst, StepKind.REPLICATE));
    assertThat(nested.ok()).as(nested.summary()).isTrue();

    DatasetName offsiteClient = OFFSITE_ROOT.child("n1");
    DatasetName onOffsite = offsiteClient.child(onFirst.value());
    assertThat(zfs.contentChecksum(onOffsite)).isEqualTo(zfs.contentChecksum(onFirst));
    Map<DatasetName, String> roles = new TreeMap<>();
    zfs.list(List.of(offsiteClient), Set.of(ReceiverState.ROLE_PROPERTY))
        .forEach(
            d ->
                roles.put(
                    d.name(), d.properties().getOrDefault(ReceiverState.ROLE_PROPERTY, "none")));
    assertThat(roles)
        .containsEntry(offsiteClient.child(REPLICA_C1.value()), ReceiverState.ROLE_PLACEHOLDER)
        .containsEntry(
            offsiteClient.child(REPLICA_C1.child("a").value()), ReceiverState.ROLE_PLACEHOLDER)
        .containsEntry(onOffsite, ReceiverState.ROLE_REPLICA)
        .doesNotContainValue("none");
  }
}
