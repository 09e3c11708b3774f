package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.RealZfsFixture;
import org.zfleet.zfs.ZfsCli;
import org.zfleet.zfs.ZfsCliConfig;

/**
 * A push job's steps over real zfs-fuse ({@link ZfsCli}) to a sink on the same node, run one by one
 * in an order the test chooses ({@link DirectJob}): what real ZFS does with the names, placeholders
 * and receives zfleet makes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RealPushJobIT {

  private static final String NODE = "n1";
  private static final ActorTestKit kit = ActorTestKit.create();
  private static ZfsCli zfs;
  private final RealZfsFixture fixture = new RealZfsFixture();

  @BeforeAll
  static void realZfs() {
    RealZfsFixture.requirePools();
    zfs = ZfsCli.create(ZfsCliConfig.defaults());
  }

  @AfterAll
  static void close() {
    if (zfs != null) {
      zfs.close();
    }
    kit.shutdownTestKit();
  }

  /** The sender filesystems of the test, whose zfleet holds go before they can be destroyed. */
  private final List<DatasetName> senders = new java.util.ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (DatasetName root : senders) {
      RealZfsFixture.Result r =
          RealZfsFixture.run(
              List.of("zfs", "list", "-H", "-o", "name", "-r", "-t", "snapshot", root.value()));
      for (String snapshot : r.output().lines().filter(l -> l.contains("@")).toList()) {
        for (String tag : List.of("zfleet_cursor.push.sink", "zfleet_step.push.sink")) {
          RealZfsFixture.run(List.of("zfs", "release", tag, snapshot));
        }
      }
    }
    fixture.destroyAll();
  }

  private DatasetName sender(String prefix) {
    DatasetName fs = fixture.scratch(RealZfsFixture.POOL_1, prefix);
    senders.add(fs);
    return fs;
  }

  static String zfs(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("zfs"));
    command.addAll(List.of(args));
    RealZfsFixture.Result r = RealZfsFixture.run(command);
    assertThat(r.code()).as("%s: %s", command, r.output()).isZero();
    return r.output();
  }

  /** A push job "push" of {@code filesystems} to the sink "sink" at {@code sinkRoot}. */
  static DirectJob push(String filesystems, DatasetName sinkRoot, String snapshotting) {
    String text =
        String.join(
            "\n",
            "zfleet {",
            "  node { name = \"" + NODE + "\" }",
            "  jobs = [",
            "    { name = push, type = push, sink = sink",
            "      filesystems { " + filesystems + " }",
            "      snapshotting { " + snapshotting + " }",
            "      pruning {",
            "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 3 } ]",
            "        keep-receiver = [ { type = last-n, count = 3 } ]",
            "      }",
            "    }",
            "    { name = sink, type = sink, root-fs = \""
                + sinkRoot
                + "\", clients = [ \""
                + NODE
                + "\" ] }",
            "  ]",
            "}");
    LoadResult loaded = ConfigLoader.parse(text, "it.conf", NODE);
    assertThat(loaded.errors()).as("configuration").isEmpty();
    ZfleetConfig config = loaded.config().orElseThrow();
    PushJob push = (PushJob) config.job("push").orElseThrow();
    SinkJob sink = (SinkJob) config.job("sink").orElseThrow();
    Transfers transfers = Transfers.streams(Materializer.matFromSystem(kit.system()));
    NodePorts ports =
        TestPorts.of(zfs, new LocalReceiverDirectory(zfs, List.of(sink), transfers), Runnable::run);
    return new DirectJob(
        JobDrivers.push(push, NODE, ports, TransferOptions.defaults()), Clock.systemUTC());
  }

  @Test
  void aDatasetNameZfleetRefusesIsSkippedAndTheOthersReplicate() throws Exception {
    DatasetName src = sender("RealPushJobIT");
    DatasetName sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RealPushJobIT-sink");
    DatasetName ok = src.child("ok");
    zfs("create", ok.value());
    // ZFS allows a component that begins with '-'; zfleet's names refuse it.
    zfs("create", src.value() + "/-odd");
    zfs("snapshot", src.value() + "/-odd@manual");
    DirectJob job = push("\"" + src + "<\" = true", sinkRoot, "type = manual, prefix = \"zf_\"");

    job.list();
    job.snapshot();
    Map<String, DirectJob.Outcome> cycle = job.cycle();

    DirectJob.Outcome replicated = cycle.get(DirectJob.key(ok, StepKind.REPLICATE));
    assertThat(replicated).as("outcomes: %s", cycle).isNotNull();
    assertThat(replicated.ok()).as(replicated.summary()).isTrue();
    assertThat(cycle.keySet()).noneMatch(k -> k.contains("-odd"));
    assertThat(zfs("list", "-H", "-o", "name", "-r", sinkRoot.value()))
        .contains(sinkRoot.child(NODE).child(ok.value()).value())
        .doesNotContain("-odd");
  }
}
