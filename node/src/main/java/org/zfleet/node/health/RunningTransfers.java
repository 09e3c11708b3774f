package org.zfleet.node.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.zfleet.job.FilesystemStatus;
import org.zfleet.job.JobEvent;
import org.zfleet.job.JobStatus;
import org.zfleet.job.StepKind;
import org.zfleet.node.daemon.NodeGuardian;
import org.zfleet.node.metrics.ReplicationGauges;

/**
 * The node's running transfers as the guardian's polled status shows them (the jobs' replications,
 * and the receives and sends other nodes asked of this one), with their rates, sizes and ETAs; and
 * the replicated-bytes counters they feed, counted once whether a transfer's bytes arrive by poll
 * or by its step's end. Written by the monitor actor, read from HTTP threads.
 */
final class RunningTransfers {

  private final ReplicationGauges gauges;
  private final Map<String, Long> counted = new ConcurrentHashMap<>();
  private final Map<String, Long> expected = new ConcurrentHashMap<>();
  private final TransferRates rates = new TransferRates();
  private volatile List<MonitorViews.Transfer> transfers = List.of();
  private volatile List<MonitorViews.PeerTransfer> peerTransfers = List.of();

  RunningTransfers(ReplicationGauges gauges) {
    this.gauges = gauges;
  }

  List<MonitorViews.Transfer> transfers() {
    return transfers;
  }

  List<MonitorViews.PeerTransfer> peerTransfers() {
    return peerTransfers;
  }

  /** A replication ended: counts the bytes its polls did not, forgets its estimates. */
  void replicationEnded(JobEvent.StepEnded ended) {
    String key = key(ended.id().job(), ended.id().filesystem(), ended.id().destination());
    long seen = Optional.ofNullable(counted.remove(key)).orElse(0L);
    expected.keySet().removeIf(k -> k.startsWith(key + "\u0000"));
    if (ended.outcome() == JobEvent.Outcome.OK) {
      gauges.addBytes(ended.id().job(), ended.id().destination(), ended.result().bytes() - seen);
    }
  }

  /** Takes a fresh status: the transfers, their rates and bytes. */
  void update(NodeGuardian.NodeStatus polled, Instant now) {
    List<MonitorViews.Transfer> running = new ArrayList<>();
    Set<String> live = new HashSet<>();
    for (JobStatus job : polled.jobs()) {
      for (FilesystemStatus fs : job.filesystems()) {
        if (fs.running().isEmpty() || fs.running().get().kind() != StepKind.REPLICATE) {
          continue;
        }
        FilesystemStatus.Running r = fs.running().get();
        String key = key(job.job(), fs.filesystem(), r.destination());
        live.add(key);
        running.add(transfer(key, job.job(), fs.filesystem(), r, now));
      }
    }
    transfers = List.copyOf(running);
    List<MonitorViews.PeerTransfer> peers = new ArrayList<>();
    for (var p : polled.peerTransfers()) {
      // Keyed apart from the jobs' own transfers: a peer's job is another node's.
      String key = "peer\u0000" + p.direction() + "\u0000" + p.peer() + "\u0000" + p.dataset();
      live.add(key);
      peers.add(
          new MonitorViews.PeerTransfer(
              p.direction(),
              p.peer(),
              p.job(),
              p.dataset(),
              p.phase(),
              p.bytes(),
              rates.rate(key, p.bytes(), p.since(), now),
              p.since()));
    }
    peerTransfers = List.copyOf(peers);
    rates.retain(live);
    gauges.transfers(
        running.stream()
            .filter(t -> t.phase().startsWith("sending"))
            .map(t -> new ReplicationGauges.Transfer(t.job(), t.destination(), t.bytesPerSecond()))
            .toList());
  }

  private MonitorViews.Transfer transfer(
      String key, String job, String filesystem, FilesystemStatus.Running r, Instant now) {
    long already = counted.getOrDefault(key, 0L);
    if (r.bytes() > already) {
      gauges.addBytes(job, r.destination(), r.bytes() - already);
      counted.put(key, r.bytes());
    }
    double rate = rates.rate(key, r.bytes(), r.since(), now);
    long size = r.expectedBytes();
    boolean estimated = false;
    if (size <= 0) {
      Long guess = expected.get(key + "\u0000" + r.phase());
      if (guess != null && guess > 0) {
        size = guess;
        estimated = true;
      }
    }
    Optional<Long> eta =
        size > 0 && rate > 0
            ? Optional.of((long) Math.ceil(Math.max(0, size - r.bytes()) / rate))
            : Optional.empty();
    return new MonitorViews.Transfer(
        job,
        filesystem,
        r.destination(),
        r.phase(),
        r.bytes(),
        size,
        estimated,
        rate,
        eta,
        r.since());
  }

  /** An estimate of a running transfer's size (see {@link SizeEstimates}); -1 for "asked". */
  void estimated(String job, String filesystem, String destination, String phase, long bytes) {
    expected.put(key(job, filesystem, destination) + "\u0000" + phase, bytes);
  }

  boolean hasEstimate(String job, String filesystem, String destination, String phase) {
    return expected.containsKey(key(job, filesystem, destination) + "\u0000" + phase);
  }

  private static String key(String job, String filesystem, String destination) {
    return job + "\u0000" + filesystem + "\u0000" + destination;
  }
}
