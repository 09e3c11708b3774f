package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.node.daemon.RealDaemon.contents;
import static org.zfleet.node.daemon.RealDaemon.guid;
import static org.zfleet.node.daemon.RealDaemon.replicaContents;
import static org.zfleet.node.daemon.RealDaemon.snapshots;
import static org.zfleet.node.daemon.RealDaemon.writeRandom;
import static org.zfleet.node.daemon.RealDaemon.zfs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.replication.ReplicationMarks;
import org.zfleet.zfs.RealZfsFixture;

/**
 * The watchdog against a real frozen {@code zfs receive} on zfs-fuse: while a large filesystem
 * replicates (slowed by the job's bandwidth limit) its receive process is stopped with SIGSTOP; the
 * step is stopped as stalled within the stall timeout and a check interval of its last progress,
 * its process killed, a small filesystem replicates and prunes meanwhile, and the retry after the
 * backoff succeeds with equal data.
 *
 * <p>zfs-fuse receives in its daemon, which reads the stream itself: a stopped {@code zfs receive}
 * client does not stop the bytes, only the step's end (the process never exits). So the step goes
 * quiet when its stream has been taken in, which may be after the SIGSTOP; the bound measured from
 * the SIGSTOP adds the time the remaining bytes needed at the bandwidth limit.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WatchdogIT {

  private static final String JOB = "push_wd";
  private static final String SINK = "sink_wd";
  private static final ReplicationMarks MARKS = ReplicationMarks.of(JOB, SINK);
  private static final Duration STALL = Duration.ofSeconds(3);
  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final long LIMIT = 4L << 20;
  private static final int BIG = 32 << 20;
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** For the status polls (100 ms) and a loaded machine's late timer ticks. */
  private static final Duration MARGIN = Duration.ofMillis(1500);

  private static final Pattern MOVED = Pattern.compile("(\\d+) bytes moved");

  private final RealZfsFixture fixture = new RealZfsFixture();
  private DatasetName src;
  private DatasetName sinkRoot;
  private RealDaemon daemon;
  private long stoppedPid = -1;
  @TempDir Path dir;

  @BeforeAll
  static void pools() {
    RealZfsFixture.requirePools();
  }

  @AfterEach
  void cleanUp() {
    try {
      if (stoppedPid > 0) {
        // Whatever happened, no stopped process is left behind.
        signal("-CONT", stoppedPid);
        signal("-KILL", stoppedPid);
      }
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      RealDaemon.releaseHolds(src, MARKS);
      fixture.destroyAll();
    }
  }

  private DatasetName replica(DatasetName senderFs) {
    return sinkRoot.child(RealDaemon.NODE).child(senderFs.value());
  }

  @Test
  void frozenReceiveIsKilledAfterTheStallTimeoutWhileOthersReplicateAndTheRetrySucceeds()
      throws Exception {
    src = fixture.scratch(RealZfsFixture.POOL_1, "WatchdogIT");
    sinkRoot = fixture.scratch(RealZfsFixture.POOL_2, "WatchdogIT-sink");
    DatasetName big = src.child("big");
    DatasetName small = src.child("small");
    zfs("create", big.value());
    zfs("create", small.value());
    writeRandom(big, "big.bin", BIG, 1);
    writeRandom(small, "small.bin", 100_000, 2);
    Instant now = Instant.now();
    // Older snapshots of the small filesystem for its sender pruning to destroy.
    for (int i = 3; i >= 1; i--) {
      RealDaemon.snapshot("zf_", now.minus(Duration.ofMinutes(i)), small);
    }
    String s1 = RealDaemon.snapshot("zf_", now, big, small);
    daemon =
        new RealDaemon(
            dir,
            String.join(
                "\n",
                "    { name = \"" + JOB + "\", type = push, sink = \"" + SINK + "\"",
                "      filesystems { \"" + big + "\" = true, \"" + small + "\" = true }",
                "      snapshotting { type = manual, prefix = \"zf_\" }",
                "      pruning {",
                "        keep-sender = [ { type = not-replicated }, { type = last-n, count = 1 } ]",
                "        keep-receiver = [ { type = last-n, count = 3 } ]",
                "      }",
                "      replication { stall-timeout = "
                    + STALL.toSeconds()
                    + "s, bandwidth-limit = \"4 MiB/s\", concurrency = 2,",
                "        retry-backoff { min = 1s, max = 4s } }",
                "    }",
                "    { name = \""
                    + SINK
                    + "\", type = sink, root-fs = \""
                    + sinkRoot
                    + "\", clients = [ \""
                    + RealDaemon.NODE
                    + "\" ] }"));
    daemon.start();

    // Freeze big's receive once a quarter of its stream has moved.
    RealDaemon.await("big's receive under way", WAIT, () -> runningBytes(big) >= BIG / 4);
    long pid = receiveProcess(replica(big));
    long bytesAtStop = runningBytes(big);
    Instant bigSince =
        Instant.parse(
            daemon.filesystem(JOB, big).orElseThrow().path("running").path("since").asText());
    stoppedPid = pid;
    signal("-STOP", pid);
    Instant stoppedAt = Instant.now();
    // The operator's next snapshot (manual snapshotting), which the wakeup replicates.
    RealDaemon.snapshot("zf_", stoppedAt, big, small);
    daemon.wakeup(JOB);

    // Watch until the step is given up: when its bytes last moved, and when small got its new
    // snapshot.
    long lastBytes = bytesAtStop;
    Instant lastMoved = stoppedAt;
    Instant smallReplicated = null;
    while (daemon.outcome(JOB, big, "REPLICATE").filter(o -> !o.path("ok").asBoolean()).isEmpty()) {
      assertThat(Duration.between(stoppedAt, Instant.now()))
          .as("big's step given up")
          .isLessThan(WAIT);
      long bytes = runningBytes(big);
      if (bytes > lastBytes) {
        lastBytes = bytes;
        lastMoved = Instant.now();
      }
      if (smallReplicated == null && snapshots(replica(small)).size() == 2) {
        smallReplicated = Instant.now();
      }
      Thread.sleep(100);
    }
    JsonNode failed = daemon.outcome(JOB, big, "REPLICATE").orElseThrow();
    assertThat(failed.path("stalled").asBoolean()).isTrue();
    assertThat(failed.path("summary").asText())
        .startsWith("no progress for 3s")
        .contains("stall timeout 3s");
    ILoggingEvent stalled = event("step stalled", big);
    Instant killedAt = RealDaemon.at(stalled);
    Matcher moved = MOVED.matcher(failed.path("summary").asText());
    assertThat(moved.find()).isTrue();
    long remaining = Math.max(0, Long.parseLong(moved.group(1)) - bytesAtStop);

    // Stopped within the stall timeout plus a check interval of going quiet, never while moving.
    Duration quiet = Duration.between(lastMoved, killedAt);
    assertThat(quiet)
        .as("from the last progress to the kill")
        .isBetween(STALL.minusMillis(500), STALL.plus(CHECK).plus(MARGIN));
    Duration fromStop = Duration.between(stoppedAt, killedAt);
    Duration bound =
        Duration.ofMillis(1000 * remaining / LIMIT)
            .plus(STALL)
            .plus(CHECK)
            .plus(MARGIN)
            .plusMillis(500);
    assertThat(fromStop)
        .as("from the SIGSTOP (%d bytes were still to come)", remaining)
        .isLessThanOrEqualTo(bound);
    System.out.printf(
        "watchdog: SIGSTOP after %d bytes, %d more taken in by zfs-fuse; quiet to kill %d ms,"
            + " SIGSTOP to kill %d ms (bound %d ms)%n",
        bytesAtStop, remaining, quiet.toMillis(), fromStop.toMillis(), bound.toMillis());
    RealDaemon.await(
        "the stopped zfs receive killed",
        Duration.ofSeconds(5),
        () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    stoppedPid = -1;
    assertThat(event("step failed", big).getFormattedMessage())
        .contains("reason=\"no progress for")
        .contains("retry_in=1s");

    // The small filesystem replicated its new snapshot while big's step hung, and pruned its sender
    // while big's replication ran.
    RealDaemon.await("small replicated", WAIT, () -> snapshots(replica(small)).size() == 2);
    if (smallReplicated == null) {
      smallReplicated = Instant.now();
    }
    assertThat(smallReplicated)
        .as("small replicated before big's step was given up")
        .isBefore(killedAt);
    List<ILoggingEvent> smallPruned =
        daemon.events().stream()
            .filter(
                e ->
                    e.getFormattedMessage()
                        .startsWith("destroyed side=sender snapshot=\"" + small + "@"))
            .toList();
    assertThat(smallPruned).as("small's sender pruning").hasSizeGreaterThanOrEqualTo(3);
    for (ILoggingEvent e : smallPruned.subList(0, 3)) {
      assertThat(RealDaemon.at(e))
          .as("%s while big replicated", e.getFormattedMessage())
          .isAfter(bigSince)
          .isBefore(killedAt);
    }

    // The retry after the backoff succeeds, and the data is the sender's.
    String s2 = snapshots(big).get(snapshots(big).size() - 1);
    assertThat(s2).isNotEqualTo(s1);
    // A later cycle may already have found big "up to date": the retry is the step that got it
    // there.
    RealDaemon.await(
        "big replicated on retry",
        WAIT,
        () ->
            daemon.events().stream()
                .anyMatch(
                    e ->
                        e.getFormattedMessage().startsWith("step done")
                            && e.getFormattedMessage()
                                .contains("fs=\"" + big + "\" step=replicate ")
                            && e.getFormattedMessage().contains("now at @" + s2)));
    ILoggingEvent retried =
        daemon.events().stream()
            .filter(
                e ->
                    e.getFormattedMessage().startsWith("step done")
                        && e.getFormattedMessage().contains("fs=\"" + big + "\" step=replicate ")
                        && e.getFormattedMessage().contains("now at @" + s2))
            .findFirst()
            .orElseThrow();
    assertThat(RealDaemon.at(retried))
        .as("the retry waited for its backoff")
        .isAfter(killedAt.plusSeconds(1));
    assertThat(daemon.outcome(JOB, big, "REPLICATE").orElseThrow().path("ok").asBoolean()).isTrue();
    assertThat(snapshots(replica(big))).containsExactly(s1, s2);
    assertThat(guid(replica(big), s2)).isEqualTo(guid(big, s2));
    assertThat(replicaContents(replica(big))).isEqualTo(contents(big)).hasSize(1);
    assertThat(replicaContents(replica(small))).isEqualTo(contents(small));
  }

  private long runningBytes(DatasetName fs) {
    Optional<JsonNode> running =
        daemon
            .filesystem(JOB, fs)
            .map(f -> f.path("running"))
            .filter(r -> r.path("kind").asText().equals("REPLICATE"));
    return running.map(r -> r.path("bytes").asLong()).orElse(-1L);
  }

  /** The one log event of {@code fs}'s replication whose message starts with {@code what}. */
  private ILoggingEvent event(String what, DatasetName fs) {
    List<ILoggingEvent> found =
        daemon.events().stream()
            .filter(
                e ->
                    e.getFormattedMessage().startsWith(what)
                        && e.getFormattedMessage().contains("fs=\"" + fs + "\" step=replicate "))
            .toList();
    assertThat(found).as("log events '%s' of %s's replication", what, fs).hasSize(1);
    return found.get(0);
  }

  /** The pid of the running {@code zfs receive} into {@code target}. */
  private static long receiveProcess(DatasetName target) {
    List<ProcessHandle> found =
        ProcessHandle.allProcesses()
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .map(c -> c.contains(" receive ") && c.endsWith(target.value()))
                        .orElse(false))
            .toList();
    assertThat(found).as("zfs receive into %s", target).hasSize(1);
    return found.get(0).pid();
  }

  private static void signal(String signal, long pid) {
    try {
      Process p =
          new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new AssertionError("kill " + signal + " " + pid + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
