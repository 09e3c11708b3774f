package org.zfleet.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;

/**
 * Fetches from a source job (found by name in the cluster) into {@code rootFs}, every {@code
 * interval} or only when asked ({@code interval = manual}), pruning both sides. With {@code scope =
 * own}, the job's own snapshots are those with the source job's prefix. {@code sourceNode} is the
 * node that must run the source ({@code source = "job@node"}); empty: pinned on first contact.
 */
public record PullJob(
    String name,
    String source,
    DatasetName rootFs,
    Optional<Duration> interval,
    Pruning senderPruning,
    Pruning receiverPruning,
    Replication replication,
    Optional<String> sourceNode)
    implements JobConfig {

  /** A pull whose source's node is pinned on first contact. */
  public PullJob(
      String name,
      String source,
      DatasetName rootFs,
      Optional<Duration> interval,
      Pruning senderPruning,
      Pruning receiverPruning,
      Replication replication) {
    this(
        name,
        source,
        rootFs,
        interval,
        senderPruning,
        receiverPruning,
        replication,
        Optional.empty());
  }

  public PullJob {
    JobConfig.checkName("job", name);
    JobConfig.checkName("source job", source);
    Objects.requireNonNull(rootFs, "rootFs");
    Objects.requireNonNull(interval, "interval");
    interval.ifPresent(
        i -> {
          if (i.isNegative() || i.isZero()) {
            throw new IllegalArgumentException("pull interval must be positive, got " + i);
          }
        });
    Objects.requireNonNull(senderPruning, "senderPruning");
    Objects.requireNonNull(receiverPruning, "receiverPruning");
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(sourceNode, "sourceNode");
    sourceNode.ifPresent(node -> JobConfig.checkName("node", node));
  }

  @Override
  public Type type() {
    return Type.PULL;
  }
}
