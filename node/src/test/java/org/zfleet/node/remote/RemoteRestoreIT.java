package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.remote.PoolCommands.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.node.cli.ZfleetCommand;
import org.zfleet.node.daemon.Json;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.RequestChannel;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.zfs.RealZfsFixture;

/**
 * {@code zfleet backups list --node} and {@code zfleet restore --node} across two real daemons on
 * 127.0.0.1: alpha pushes its filesystem (pool 1) to sink-beta on beta (pool 2), the filesystem is
 * destroyed on alpha, and alpha's command line, through alpha's daemon and the data plane, lists it
 * on beta and restores it byte for byte, then catches the restore up; beta's replica is never
 * changed. And gamma, a client of the same sink with a valid certificate, sees and restores none of
 * alpha's backups, by the command line or by requests of its own making.
 */
@Timeout(600)
class RemoteRestoreIT {

  private static final String PUSH = "push";
  private static final String SINK = "sink-beta";
  // Three daemon JVMs start at once; on a loaded 2-core machine one took a minute to answer.
  private static final Duration PATIENCE = Duration.ofSeconds(180);

  @TempDir static Path certs;
  private ClusterNodes cluster;
  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName source;
  private DatasetName sinkRoot;
  private DatasetName targets;
  private DatasetName replica;
  private final byte[] first = random(96 * 1024, 1);
  private final byte[] second = random(32 * 1024, 2);

  @BeforeAll
  static void certificatesAndPools() {
    RealZfsFixture.requirePools();
    ClusterNodes.createCertificates(certs);
  }

  @BeforeEach
  void poolsAndHomes(TestInfo test) throws IOException {
    cluster = new ClusterNodes(certs, test, PATIENCE);
    source = fixture.scratch(RealZfsFixture.POOL_1, "RemoteRestoreIT");
    targets = fixture.scratch(RealZfsFixture.POOL_1, "RemoteRestoreIT-targets");
    sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "RemoteRestoreIT-sink");
    replica = sinkRoot.child("alpha").child(source.value());
    RealZfsFixture.writeFile(source, "a.bin", first);
  }

  @AfterEach
  void stopNodesAndCleanUp() {
    cluster.killAll();
    releaseHolds(source, PUSH, List.of(SINK));
    fixture.destroyAll();
  }

  @Test
  void aDestroyedFilesystemIsListedOnTheSinksNodeRestoredByteForByteAndCaughtUp() throws Exception {
    List<Integer> ports = DaemonNode.clusterPorts(2);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), pushJob());
    cluster.start("beta", ports.get(1), ports.get(0), sinkJob("alpha"));
    alpha.wakeup(PUSH, PATIENCE);
    String s1 = awaitReplicated(alpha, null);
    RealZfsFixture.writeFile(source, "b.bin", second);
    DaemonNode.sleep(Duration.ofSeconds(1)); // a snapshot name in a new second
    alpha.wakeup(PUSH, PATIENCE);
    String s2 = awaitReplicated(alpha, s1);
    String replicaBefore = replicaState();
    releaseHolds(source, PUSH, List.of(SINK));
    destroyWhenNotBusy(source);

    Run json = zfleet("backups", "list", "--node", "beta", "--json", "--config", conf(alpha));
    Run table = zfleet("backups", "list", "--node", "beta", "--config", conf(alpha));

    assertThat(json.code).as(json.err).isZero();
    JsonNode replicas = Json.mapper().readTree(json.out);
    assertThat(replicas).hasSize(1);
    assertThat(replicas.get(0).path("job").asText()).isEqualTo(SINK);
    assertThat(replicas.get(0).path("client").asText()).isEqualTo("alpha");
    assertThat(replicas.get(0).path("filesystem").asText()).isEqualTo(source.value());
    assertThat(replicas.get(0).path("replica").asText()).isEqualTo(replica.value());
    assertThat(replicas.get(0).path("snapshots").findValuesAsText("name"))
        .containsAll(List.of(s1, s2))
        .endsWith(s2);
    assertThat(replicas.get(0).path("snapshots").findValuesAsText("guid"))
        .contains(guid(replica, s2));
    assertThat(table.code).as(table.err).isZero();
    assertThat(table.out).containsPattern(SINK + " +alpha +" + source + " +\\d+ +" + s2 + " ");

    DatasetName target = targets.child("restored");
    Run restore =
        zfleet(
            "restore",
            source + "@" + s1,
            "--node",
            "beta",
            "--to",
            target.value(),
            "--config",
            conf(alpha));

    assertThat(restore.code).as(restore.err + restore.out).isZero();
    assertThat(restore.out)
        .contains("into new dataset " + target + ": full @" + s1)
        .contains("has the replica's guid " + guid(replica, s1));
    assertThat(restore.err).as("progress").contains(" at ").contains("/s");
    assertThat(snapshots(target)).containsExactly(s1);
    assertThat(guid(target, s1)).isEqualTo(guid(replica, s1));
    assertThat(RealZfsFixture.readFile(target, "a.bin")).hasValue(first);
    assertThat(RealZfsFixture.readFile(target, "b.bin")).isEmpty();

    // The replica's own name, its newest snapshot: the restore is caught up from s1.
    Run catchUp =
        zfleet(
            "restore",
            replica.value(),
            "--node",
            "beta",
            "--to",
            target.value(),
            "--config",
            conf(alpha));

    assertThat(catchUp.code).as(catchUp.err + catchUp.out).isZero();
    assertThat(catchUp.out).contains("into " + target + ": -i @" + s1 + " @" + s2);
    assertThat(snapshots(target)).containsExactly(s1, s2);
    assertThat(guid(target, s2)).isEqualTo(guid(replica, s2));
    remount(target);
    assertThat(RealZfsFixture.readFile(target, "a.bin")).hasValue(first);
    assertThat(RealZfsFixture.readFile(target, "b.bin")).hasValue(second);

    DatasetName existing = targets.child("existing");
    zfs("create", existing.value());
    byte[] operators = "the operator's".getBytes(StandardCharsets.UTF_8);
    RealZfsFixture.writeFile(existing, "keep.txt", operators);
    Run intoExisting =
        zfleet(
            "restore",
            source + "@" + s1,
            "--node",
            "beta",
            "--to",
            existing.value(),
            "--config",
            conf(alpha));
    Run missingSnapshot =
        zfleet(
            "restore",
            source + "@nope",
            "--node",
            "beta",
            "--to",
            targets.child("x").value(),
            "--config",
            conf(alpha));
    Run missingFilesystem =
        zfleet(
            "restore",
            "tank/never",
            "--node",
            "beta",
            "--to",
            targets.child("y").value(),
            "--config",
            conf(alpha));

    assertThat(intoExisting.code).isEqualTo(1);
    assertThat(intoExisting.err)
        .contains(existing + " already exists and has no snapshot; a restore writes only into");
    assertThat(snapshots(existing)).isEmpty();
    assertThat(RealZfsFixture.readFile(existing, "keep.txt")).hasValue(operators);
    assertThat(missingSnapshot.code).isEqualTo(1);
    assertThat(missingSnapshot.err)
        .contains(replica + " has no snapshot @nope; it has (oldest first): ")
        .contains(s1 + ", " + s2);
    assertThat(missingFilesystem.code).isEqualTo(1);
    assertThat(missingFilesystem.err)
        .contains("no sink of node beta (" + SINK + ") holds tank/never; it holds:")
        .contains(replica + " (alpha:" + source + ", ");
    assertThat(datasetsUnder(targets))
        .containsExactly(targets.value(), existing.value(), target.value());
    assertThat(replicaState()).as("beta's replica after the restores").isEqualTo(replicaBefore);
  }

  @Test
  void anotherClientOfTheSinkCanNeitherListNorRestoreAlphasBackups() throws Exception {
    List<Integer> ports = DaemonNode.clusterPorts(3);
    DaemonNode alpha = cluster.start("alpha", ports.get(0), ports.get(0), pushJob());
    DaemonNode beta =
        cluster.start("beta", ports.get(1), ports.get(0), sinkJob("alpha\", \"gamma"));
    DaemonNode gamma = cluster.start("gamma", ports.get(2), ports.get(0), "");
    alpha.wakeup(PUSH, PATIENCE);
    String s1 = awaitReplicated(alpha, null);
    String replicaBefore = replicaState();
    DatasetName stolen = targets.child("stolen");

    // gamma's own command line, through gamma's daemon.
    Run list =
        await(
            "gamma's daemon answering, knowing the sink", gamma, () -> answered(gammaList(gamma)));
    Run asAlpha =
        zfleet(
            "backups",
            "list",
            "--node",
            "beta",
            "--sink",
            SINK,
            "--client",
            "alpha",
            "--config",
            conf(gamma));
    Run restoreReplica =
        zfleet(
            "restore",
            replica + "@" + s1,
            "--node",
            "beta",
            "--sink",
            SINK,
            "--to",
            stolen.value(),
            "--config",
            conf(gamma));
    Run restoreByName =
        zfleet(
            "restore",
            source + "@" + s1,
            "--node",
            "beta",
            "--sink",
            SINK,
            "--to",
            stolen.value(),
            "--config",
            conf(gamma));

    assertThat(list.code).as(list.err).isZero();
    assertThat(Json.mapper().readTree(list.out)).as("gamma's backups on beta").isEmpty();
    assertThat(asAlpha.code).isEqualTo(1);
    assertThat(asAlpha.err).contains("may see only its own backups");
    assertThat(restoreReplica.code).isEqualTo(1);
    assertThat(restoreReplica.err)
        .contains("no sink of node beta (" + SINK + ") holds " + replica)
        .contains("it holds no replicas");
    assertThat(restoreByName.code).isEqualTo(1);

    // Requests of gamma's own making, with gamma's certificate, straight to beta's data plane.
    PeerAddress betaPlane =
        new PeerAddress(NodeIdentity.of("beta"), "127.0.0.1", beta.dataPlanePort());
    String forgedSend =
        ask(
            betaPlane,
            EndpointCodec.write(
                new EndpointRequest.SendBackup(
                    SINK,
                    replica + "@" + s1,
                    null,
                    false,
                    RestoreDataPlane.PREFIX + "forged",
                    stolen.value(),
                    "127.0.0.1",
                    gamma.dataPlanePort())));
    String forgedList = ask(betaPlane, EndpointCodec.write(new EndpointRequest.ListBackups(SINK)));
    String claimingAlpha =
        ask(
            betaPlane,
            ("{\"request\":\"list-backups\",\"job\":\"" + SINK + "\",\"identity\":\"alpha\"}")
                .getBytes(StandardCharsets.UTF_8));
    String outsideItsTree =
        ask(
            betaPlane,
            EndpointCodec.write(
                new EndpointRequest.SendBackup(
                    SINK,
                    sinkRoot + "/gamma/../alpha@" + s1,
                    null,
                    false,
                    RestoreDataPlane.PREFIX + "forged",
                    stolen.value(),
                    "127.0.0.1",
                    gamma.dataPlanePort())));

    assertThat(forgedSend)
        .startsWith("{\"reply\":\"refused\"")
        .contains("\"identity\":\"gamma\"")
        .contains("not a replica of gamma");
    assertThat(forgedList).isEqualTo("{\"reply\":\"backups\",\"replicas\":[]}");
    assertThat(claimingAlpha).startsWith("{\"reply\":\"refused\"").contains("malformed request");
    assertThat(outsideItsTree).startsWith("{\"reply\":\"refused\"");
    DaemonNode.sleep(Duration.ofSeconds(2));
    assertThat(datasetsUnder(targets)).containsExactly(targets.value());
    assertThat(replicaState()).as("alpha's replica on beta").isEqualTo(replicaBefore);
    assertThat(beta.logLines())
        .as("beta refused gamma by its true name")
        .anyMatch(l -> l.contains("refused sink=" + SINK + " identity=gamma"));
  }

  // ---- nodes, jobs and commands

  private String pushJob() {
    return """
        { name = "%s", type = push, sinks = [ "%s" ]
          filesystems { "%s<" = true }
          snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
          pruning { keep-sender = [ { type = last-n, count = 1 } ], keep-receiver = [ { type = last-n, count = 10 } ] }
          replication { retry-backoff { min = 1s, max = 2s } }
        }
        """
        .formatted(PUSH, SINK, source);
  }

  private String sinkJob(String clients) {
    return "{ name = \"%s\", type = sink, root-fs = \"%s\", clients = [ \"%s\" ] }"
        .formatted(SINK, sinkRoot, clients);
  }

  private static String conf(DaemonNode node) {
    return node.config.toString();
  }

  private static Run gammaList(DaemonNode gamma) {
    return zfleet(
        "backups", "list", "--node", "beta", "--sink", SINK, "--json", "--config", conf(gamma));
  }

  /** The run, unless the daemon did not answer yet (it may still be starting). */
  /** The run, once the daemon answered it and knew where the sink runs (the cluster told it). */
  private static Run answered(Run run) {
    return run.err.contains("no zfleet daemon answers") || run.err.contains("not reachable")
        ? null
        : run;
  }

  /** A request as gamma, with gamma's certificate; the answer as beta sent it. */
  private static String ask(PeerAddress node, byte[] request) {
    try (RequestChannel channel =
        new RequestChannel(
            TlsContexts.load(
                certs.resolve("ca.crt"), certs.resolve("gamma.crt"), certs.resolve("gamma.key")))) {
      return new String(
          channel.call(node, request, Duration.ofSeconds(30)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    }
  }

  /**
   * Waits until the sender's newest snapshot, other than {@code after}, is on the replica and the
   * push's status says so; returns its name.
   */
  private String awaitReplicated(DaemonNode pusher, String after) {
    return await(
        "a snapshot after " + after + " on " + SINK,
        pusher,
        () -> {
          List<String> sent = snapshots(source);
          if (sent.isEmpty() || sent.get(sent.size() - 1).equals(after)) {
            return null;
          }
          String newest = sent.get(sent.size() - 1);
          boolean ok =
              pusher
                  .outcome(PUSH, source.value(), "REPLICATE", SINK)
                  .filter(o -> o.path("ok").asBoolean())
                  .isPresent();
          return ok && snapshots(replica).contains(newest) ? newest : null;
        });
  }

  private <T> T await(String what, DaemonNode node, Supplier<T> value) {
    return cluster.await(what, node, value);
  }

  private record Run(int code, String out, String err) {}

  private static Run zfleet(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  // ---- what is on the pools

  /** The replica's snapshots with guids and holds, its own properties, and the sink's tree. */
  private String replicaState() {
    return zfs("list", "-H", "-o", "name,guid,userrefs", "-t", "snapshot", "-r", replica.value())
        + zfs("get", "-H", "-o", "property,value", "-s", "local", "all", replica.value())
        + zfs("list", "-H", "-o", "name", "-r", sinkRoot.value());
  }

  /** A filesystem just written to can be busy for a moment on zfs-fuse. */
  private static void destroyWhenNotBusy(DatasetName fs) {
    String[] result = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      result = run("destroy", "-r", fs.value());
      if (result[0].equals("0")) {
        return;
      }
      DaemonNode.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError("cannot destroy " + fs + ": " + result[1]);
  }

  /** zfs-fuse can serve pages cached before an incremental receive until a remount. */
  private static void remount(DatasetName fs) {
    for (int attempt = 0; attempt < 20; attempt++) {
      if (run("unmount", fs.value())[0].equals("0")) {
        break;
      }
      DaemonNode.sleep(Duration.ofMillis(250));
    }
    zfs("mount", fs.value());
  }

  private static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new java.util.Random(seed).nextBytes(data);
    return data;
  }
}
