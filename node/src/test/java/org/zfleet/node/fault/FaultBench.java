package org.zfleet.node.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.TestInfo;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.zfs.RealZfsFixture;

/**
 * One fault test's world: a push job on node alpha replicating filesystems of the first test pool
 * to a sink job on node beta (the second test pool, or a pool of the test's own), each node a
 * {@code zfleet daemon} JVM on 127.0.0.1 over mutual TLS; homes (configuration, data-dir, log)
 * under {@code target/fault-it/<test>-<id>/<node>/}, kept after the run and named in failures.
 * Holds the checks every fault ends with: what the keep rules keep is on both sides, the
 * incremental base is still there, no {@code zfs} process of the test is left.
 */
final class FaultBench implements AutoCloseable {

  static final String PUSH = "push";
  static final String SINK = "sink";
  static final String CURSOR = "zfleet:cursor." + PUSH + "." + SINK;
  static final Duration STALL_TIMEOUT = Duration.ofSeconds(5);

  final RealZfsFixture fixture = new RealZfsFixture();
  private final Path certs;
  private final Path home;
  private final Duration patience;
  private final List<FaultNode> nodes = new ArrayList<>();
  final List<DatasetName> filesystems = new ArrayList<>();
  DatasetName source;
  DatasetName sinkRoot;

  FaultBench(Path certs, TestInfo test, Duration patience) throws IOException {
    this.certs = certs;
    this.patience = patience;
    this.home =
        Files.createDirectories(
                Path.of(
                    "target",
                    "fault-it",
                    test.getTestMethod().orElseThrow().getName()
                        + "-"
                        + Long.toHexString(System.nanoTime())))
            .toAbsolutePath();
  }

  /** A CA and the certificates of alpha and beta, made with the command operators use. */
  static void createCertificates(Path certs) {
    assertThat(ZfleetCommand.execute("cert", "create-ca", "--dir", certs.toString())).isZero();
    for (String node : List.of("alpha", "beta")) {
      assertThat(ZfleetCommand.execute("cert", "create-node", node, "--dir", certs.toString()))
          .isZero();
    }
  }

  /** A source filesystem on the first test pool with a file of {@code size} random bytes. */
  DatasetName source(String prefix, int size) {
    source = fixture.scratch(RealZfsFixture.POOL_1, prefix);
    filesystems.add(source);
    FaultPools.write(source, "first.bin", size, 1);
    return source;
  }

  DatasetName sinkRoot(String pool, String prefix) {
    sinkRoot = fixture.scratch(pool, prefix);
    return sinkRoot;
  }

  /** Starts a node of a cluster seeded at {@code seedPort}. */
  FaultNode node(String name, int port, int seedPort, String nodeExtra, String jobs) {
    FaultNode node =
        FaultNode.configure(name, port, Optional.of(seedPort), certs, home, nodeExtra, jobs);
    nodes.add(node);
    return node.start();
  }

  /** Starts a node alone (no cluster): its push job's sink runs in the same daemon. */
  FaultNode localNode(String name, int port, String jobs) {
    FaultNode node = FaultNode.configure(name, port, Optional.empty(), certs, home, "", jobs);
    nodes.add(node);
    return node.start();
  }

  /**
   * The push job: {@code filesystems} (HOCON body), snapshots on wakeups (interval 1h), sender
   * keeps what is not replicated and the last two, receiver the last ten; a short stall timeout and
   * backoff; {@code replication} adds settings.
   */
  String pushJob(String filesystems, String snapshotInterval, String replication) {
    return """
        { name = "%s", type = push, sink = "%s"
          filesystems { %s }
          snapshotting { type = periodic, prefix = "zfleet_", interval = %s }
          pruning {
            keep-sender = [ { type = not-replicated }, { type = last-n, count = 2 } ]
            keep-receiver = [ { type = last-n, count = 10 } ]
          }
          replication { stall-timeout = %ds, retry-backoff { min = 1s, max = 2s }%s }
        }
        """
        .formatted(
            PUSH, SINK, filesystems, snapshotInterval, STALL_TIMEOUT.toSeconds(), replication);
  }

  String sinkJob(String client) {
    return "{ name = \"%s\", type = sink, root-fs = \"%s\", clients = [ \"%s\" ] }"
        .formatted(SINK, sinkRoot, client);
  }

  DatasetName replica(DatasetName fs) {
    return sinkRoot.child("alpha").child(fs.value());
  }

  /**
   * Polls {@code value} until it is not null; fails with {@code node}'s status and every node's log
   * on timeout.
   */
  <T> T await(String what, FaultNode node, Supplier<T> value) {
    return await(what, node, patience, value);
  }

  <T> T await(String what, FaultNode node, Duration within, Supplier<T> value) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      T found = value.get();
      if (found != null) {
        return found;
      }
      FaultNode.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError(
        "not within "
            + within
            + ": "
            + what
            + "; status of "
            + node.name
            + ": "
            + node.status().orElse(null)
            + describeNodes());
  }

  String describeNodes() {
    return nodes.stream().map(FaultNode::describe).reduce("", String::concat);
  }

  /**
   * Waits until the sender's newest snapshot other than {@code after} is on the replica of every
   * filesystem and the push's status says its replication went well; returns its name.
   */
  String awaitReplicated(FaultNode pusher, String after) {
    return awaitReplicated(pusher, after, filesystems, patience);
  }

  String awaitReplicated(FaultNode pusher, String after, List<DatasetName> which, Duration within) {
    return await(
        "a snapshot after " + after + " replicated",
        pusher,
        within,
        () -> {
          List<String> sent = FaultPools.snapshots(source);
          if (sent.isEmpty() || sent.get(sent.size() - 1).equals(after)) {
            return null;
          }
          String newest = sent.get(sent.size() - 1);
          boolean everywhere =
              which.stream().allMatch(fs -> FaultPools.snapshots(replica(fs)).contains(newest));
          boolean ok =
              everywhere
                  && which.stream()
                      .allMatch(
                          fs ->
                              pusher
                                  .outcome(PUSH, fs.value(), "REPLICATE", SINK)
                                  .filter(o -> o.path("ok").asBoolean())
                                  .isPresent());
          return ok ? newest : null;
        });
  }

  /** Waits until a replication of {@code fs} to the sink runs and has sent {@code bytes}. */
  void awaitSending(FaultNode pusher, DatasetName fs, long bytes) {
    await(
        "alpha sends " + fs + " to beta",
        pusher,
        () ->
            pusher
                .running(PUSH, fs.value())
                .filter(
                    r ->
                        r.path("kind").asText().equals("REPLICATE")
                            && r.path("bytes").asLong() > bytes)
                .orElse(null));
  }

  /**
   * What the keep rules keep is on both sides: every snapshot the sender has is on the receiver
   * with the same guid (keep-receiver keeps more than keep-sender), and the replication cursor
   * names a snapshot both sides have, held on the sender.
   */
  void assertKeptOnBothSides(List<DatasetName> which) {
    for (DatasetName fs : which) {
      Map<String, String> sent = FaultPools.guids(fs);
      Map<String, String> received = FaultPools.guids(replica(fs));
      assertThat(received).as("snapshots of %s on the receiver", fs).containsAllEntriesOf(sent);
      String cursor = FaultPools.property(fs, CURSOR);
      String base =
          sent.entrySet().stream()
              .filter(e -> e.getValue().equals(cursor))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "the cursor " + cursor + " of " + fs + " names no snapshot: " + sent));
      assertThat(received).as("the incremental base of %s on the receiver", fs).containsKey(base);
      assertThat(FaultPools.holds(fs).get(base))
          .as("holds on the cursor snapshot %s@%s", fs, base)
          .isPositive();
    }
  }

  /** The snapshot {@code base} (an incremental base) is on both sides with one guid. */
  void assertBaseKept(DatasetName fs, String base, String guid) {
    assertThat(FaultPools.guids(fs)).as("the base on the sender").containsEntry(base, guid);
    assertThat(FaultPools.guids(replica(fs)))
        .as("the base on the receiver")
        .containsEntry(base, guid);
  }

  void assertNoZfsProcessLeft() {
    List<DatasetName> roots = new ArrayList<>(filesystems);
    if (sinkRoot != null) {
      roots.add(sinkRoot);
    }
    FaultPools.assertNoZfsProcessLeft(roots, Duration.ofSeconds(15));
  }

  /** Prints the one line the closing note's figures come from, and returns the time taken. */
  static Duration recovered(String fault, long sinceNanos) {
    Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
    System.out.printf("FAULT %s recovered in %.1f s%n", fault, took.toMillis() / 1000.0);
    return took;
  }

  @Override
  public void close() {
    nodes.forEach(FaultNode::kill);
    // Holds keep snapshots from being destroyed: release the job's before cleaning up.
    List<DatasetName> all = new ArrayList<>(filesystems);
    filesystems.stream().map(this::replicaIfAny).flatMap(Optional::stream).forEach(all::add);
    for (DatasetName fs : all) {
      FaultPools.holds(fs)
          .forEach(
              (snapshot, count) -> {
                if (count > 0) {
                  for (String tag :
                      List.of(
                          "zfleet_cursor." + PUSH + "." + SINK,
                          "zfleet_step." + PUSH + "." + SINK)) {
                    FaultPools.run("release", tag, fs.value() + "@" + snapshot);
                  }
                }
              });
    }
    try {
      fixture.destroyAll();
    } catch (AssertionError e) {
      // A zfs send killed with its node can leave zfs-fuse's own hold on the snapshot it sent,
      // under a tag no command lists there: such datasets stay behind, named once.
      System.out.println("FAULT cleanup left datasets behind: " + e.getMessage());
    }
  }

  private Optional<DatasetName> replicaIfAny(DatasetName fs) {
    return sinkRoot == null ? Optional.empty() : Optional.of(replica(fs));
  }
}
