package org.zfleet.node.health;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.zfleet.job.JobEvent;
import org.zfleet.job.StepFact;
import org.zfleet.job.StepKind;

/**
 * The node's memory of its replicas and failing steps, fed by {@link JobEvent.StepEnded}: each
 * replicate step's {@link StepFact.ReplicaAt} moves its replica's newest snapshot, each success its
 * last-success time. Read by metrics, health, the status views and {@code check freshness} while
 * events arrive: every value is immutable and the maps are concurrent.
 */
public final class FreshnessBoard {

  /** A step whose last attempt failed or stalled, until an attempt of it succeeds. */
  public record Failure(
      String job,
      String filesystem,
      String kind,
      String destination,
      String outcome,
      String reason,
      Instant at) {
    String key() {
      return job + "\u0000" + filesystem + "\u0000" + kind + "\u0000" + destination;
    }
  }

  private static final int RECENT_FAILURES = 20;

  private final Map<String, ReplicaRecord> replicas = new ConcurrentHashMap<>();
  private final Map<String, Failure> failing = new ConcurrentHashMap<>();
  private final Deque<Failure> recent = new ArrayDeque<>();
  private volatile boolean dirty;

  /** Starts from what the data-dir kept (state before a restart). */
  public void seed(Collection<ReplicaRecord> known) {
    for (ReplicaRecord r : known) {
      replicas.put(r.key(), r);
    }
  }

  /** Applies one event; other than step ends, events change nothing. */
  public void apply(JobEvent event) {
    if (!(event instanceof JobEvent.StepEnded ended)) {
      return;
    }
    var id = ended.id();
    String outcome = ended.outcome().name().toLowerCase(Locale.ROOT);
    Failure failure =
        new Failure(
            id.job(),
            id.filesystem(),
            id.kind().label(),
            id.destination(),
            outcome,
            ended.reason(),
            ended.at());
    switch (ended.outcome()) {
      case OK -> failing.remove(failure.key());
      case FAILED, STALLED -> {
        failing.put(failure.key(), failure);
        synchronized (recent) {
          recent.addFirst(failure);
          while (recent.size() > RECENT_FAILURES) {
            recent.removeLast();
          }
        }
      }
      default -> {}
    }
    if (id.kind() != StepKind.REPLICATE || id.filesystem().isEmpty()) {
      return;
    }
    ReplicaRecord before =
        replicas.getOrDefault(
            keyOf(id.job(), id.filesystem(), id.destination()),
            ReplicaRecord.unknown(id.job(), id.filesystem(), id.destination()));
    Optional<StepFact.ReplicaAt> at =
        ended.result().facts().stream()
            .filter(f -> f instanceof StepFact.ReplicaAt)
            .map(f -> (StepFact.ReplicaAt) f)
            .reduce((a, b) -> b);
    boolean ok = ended.outcome() == JobEvent.Outcome.OK;
    ReplicaRecord after =
        new ReplicaRecord(
            id.job(),
            id.filesystem(),
            id.destination(),
            at.map(StepFact.ReplicaAt::snapshot).or(before::snapshot),
            at.map(StepFact.ReplicaAt::created).or(before::snapshotCreated),
            ok ? Optional.of(ended.at()) : before.lastSuccess(),
            outcome,
            ended.reason(),
            Optional.of(ended.at()));
    replicas.put(after.key(), after);
    dirty = true;
  }

  /** Makes sure a replica the job replicates is listed, even before any attempt. */
  public void expect(String job, String filesystem, String destination) {
    replicas.putIfAbsent(
        keyOf(job, filesystem, destination), ReplicaRecord.unknown(job, filesystem, destination));
  }

  public List<ReplicaRecord> replicas() {
    return List.copyOf(replicas.values());
  }

  public List<Failure> failing() {
    return List.copyOf(failing.values());
  }

  /** The latest failures, newest first (at most 20). */
  public List<Failure> recentFailures() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /** True once, after a change that the state file does not have yet. */
  public boolean takeDirty() {
    boolean was = dirty;
    dirty = false;
    return was;
  }

  private static String keyOf(String job, String filesystem, String destination) {
    return ReplicaRecord.unknown(job, filesystem, destination).key();
  }
}
