package org.zfleet.restore;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.zfleet.endpoint.RemoteSend;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.plan.Step;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferFailedException;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.TransferResult;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ReceiveRequest;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsPort;

/**
 * Carries out a {@link RestorePlan.Sends} into a target on this node: each send from the {@link
 * RestoreSource} through the byte path into a plain {@code zfs receive} (inspected and guarded like
 * every receive, never {@code -F}: nothing on the target is rolled back; the target is an ordinary
 * filesystem, mounted afterwards, not an inert replica), then checks that the target holds the
 * snapshot with the replica's guid. The source may be another node's sink ({@link RemoteSend}),
 * which streams into the same receive on this node.
 */
public final class Restore {

  /** What a restore did. */
  public record Done(
      DatasetName target, FilesystemVersion snapshot, int sends, long bytes, Duration took) {}

  /** A send, a receive or the check after it failed; the message says which and why. */
  public static final class RestoreFailed extends RuntimeException {
    public RestoreFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ZfsPort zfs;
  private final Transfers transfers;
  private final TransferOptions options;

  public Restore(ZfsPort zfs, Transfers transfers, TransferOptions options) {
    this.zfs = zfs;
    this.transfers = transfers;
    this.options = options;
  }

  public Done run(
      RestorePlan.Sends plan,
      DatasetName replica,
      RestoreSource source,
      DatasetName target,
      ProgressListener progress) {
    long bytes = 0;
    Duration took = Duration.ZERO;
    for (Step step : plan.steps()) {
      SnapshotName to = replica.snapshot(step.to().name());
      SendRequest request =
          switch (step.flag()) {
            case FULL -> SendRequest.full(to);
            case INCREMENTAL -> SendRequest.incremental(step.from().orElseThrow(), to);
            case INTERMEDIATE -> SendRequest.intermediate(step.from().orElseThrow(), to);
          };
      try {
        TransferResult result =
            start(source.send(request), ReceiveRequest.restore(target), progress)
                .result()
                .toCompletableFuture()
                .join();
        bytes += result.bytes();
        took = took.plus(result.duration());
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        String detail =
            cause instanceof TransferFailedException failed
                ? failed.getMessage()
                : String.valueOf(cause.getMessage());
        throw new RestoreFailed(
            "restoring " + to + " into " + target + " (" + step + ") failed: " + detail, cause);
      }
    }
    FilesystemVersion last = plan.steps().get(plan.steps().size() - 1).to();
    verify(target, last);
    return new Done(target, last, plan.steps().size(), bytes, took);
  }

  /**
   * A send read here is piped into a receive started here; a send of another node ({@link
   * RemoteSend}) is delivered by that node into this node's receive of the same request.
   */
  private RunningTransfer start(
      SendProcess send, ReceiveRequest receive, ProgressListener progress) {
    if (send instanceof RemoteSend remote) {
      return remote.deliver(receive, options, progress);
    }
    return transfers.start(send, zfs.receive(receive), options, progress);
  }

  /** The target must hold the snapshot under its name with the replica's guid. */
  private void verify(DatasetName target, FilesystemVersion expected) {
    List<DatasetListing> listing = zfs.list(List.of(target), Set.of());
    FilesystemVersion received =
        listing.stream()
            .filter(d -> d.name().equals(target))
            .flatMap(d -> d.versions().stream())
            .filter(v -> v.isSnapshot() && v.name().equals(expected.name()))
            .findFirst()
            .orElseThrow(
                () ->
                    new RestoreFailed(
                        target + " does not hold @" + expected.name() + " after the receive",
                        null));
    if (received.guid() != expected.guid()) {
      throw new RestoreFailed(
          target
              + "@"
              + expected.name()
              + " has guid "
              + Long.toUnsignedString(received.guid())
              + ", the replica's is "
              + Long.toUnsignedString(expected.guid()),
          null);
    }
  }
}
