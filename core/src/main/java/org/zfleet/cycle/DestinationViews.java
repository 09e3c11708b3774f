package org.zfleet.cycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.cycle.FilesystemView.DestinationView;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.plan.ReceiverState;

/**
 * How one filesystem looks from each destination of a job's listing: where its replica lands, which
 * parents are placeholders still to make, and which replicated ancestor a first receive waits for.
 * Pure, like {@link CyclePlanner}.
 */
final class DestinationViews {

  private DestinationViews() {}

  /** One filesystem as the listing shows it, with each destination cut down to its replica. */
  static FilesystemView view(JobListing listing, SenderFilesystem fs) {
    return view(listing, fs, receivedByDestination(listing));
  }

  /**
   * Per reachable destination, where the listing's replicated filesystems land there: once per
   * destination, not per filesystem, so planning stays linear in the number of them.
   */
  static Map<String, Set<DatasetName>> receivedByDestination(JobListing listing) {
    Map<String, Set<DatasetName>> received = new HashMap<>();
    for (Destination d : listing.destinations()) {
      if (d instanceof Destination.Reachable r) {
        received.put(d.name(), receivedPaths(listing, r));
      }
    }
    return received;
  }

  static FilesystemView view(
      JobListing listing, SenderFilesystem fs, Map<String, Set<DatasetName>> received) {
    List<DestinationView> destinations = new ArrayList<>();
    for (Destination d : listing.destinations()) {
      if (d instanceof Destination.Reachable r) {
        destinations.add(reachable(fs, r, received.get(d.name())));
      } else {
        Destination.Unreachable u = (Destination.Unreachable) d;
        destinations.add(new DestinationView.Unreachable(u.name(), u.reason()));
      }
    }
    return new FilesystemView(fs, destinations, listing.senderNode(), listing.snapshotPrefix());
  }

  /**
   * Where the filesystems this job replicates itself, and that have something to send, land at
   * {@code d}; computed once per destination (planning stays linear in the number of filesystems).
   */
  private static Set<DatasetName> receivedPaths(JobListing listing, Destination.Reachable d) {
    Set<DatasetName> paths = new HashSet<>();
    for (SenderFilesystem fs : listing.filesystems()) {
      if (listing.replicated().contains(fs.name()) && hasSnapshots(fs)) {
        paths.add(d.layout().receiverPath(fs.name()));
      }
    }
    return paths;
  }

  private static DestinationView.Reachable reachable(
      SenderFilesystem fs, Destination.Reachable d, Set<DatasetName> received) {
    ReceiverLayout layout = d.layout();
    DatasetName target = layout.receiverPath(fs.name());
    DatasetName clientRoot = layout.clientRoot();
    // Every parent from the client root down is a placeholder, except those that are replicated
    // themselves: a placeholder keeps canmount=off through the forced receive that later makes it
    // a replica. One with nothing to send (no snapshot: a placeholder on a sender that is itself a
    // sink) is made a placeholder, never waited for (zrepl#742; see receivedPaths).
    List<DatasetName> placeholders = new ArrayList<>();
    for (Optional<DatasetName> p = target.parent();
        p.isPresent() && p.get().isWithin(clientRoot);
        p = p.get().parent()) {
      if (!received.contains(p.get())) {
        placeholders.add(0, p.get());
      }
    }
    return new DestinationView.Reachable(
        d.name(),
        clientRoot,
        target,
        Optional.ofNullable(d.datasets().get(target)),
        placeholders.stream().filter(p -> !d.datasets().containsKey(p)).toList(),
        replicatedAncestor(layout, target, placeholders)
            .filter(p -> !arrived(d.datasets().get(p))));
  }

  private static boolean hasSnapshots(SenderFilesystem fs) {
    return fs.versions().stream().anyMatch(FilesystemVersion::isSnapshot);
  }

  /**
   * The nearest ancestor of {@code target} below the client root that is the replica of a
   * replicated filesystem (not a placeholder). A first receive waits until it has arrived: the
   * placeholders between must not be made under a dataset whose own first receive may still be
   * running (a failed receive could then not be cleaned up, and would be left without zfleet's role
   * for ever).
   */
  static Optional<DatasetName> replicatedAncestor(
      ReceiverLayout layout, DatasetName target, List<DatasetName> placeholders) {
    for (Optional<DatasetName> p = target.parent(); p.isPresent(); p = p.get().parent()) {
      DatasetName ancestor = p.get();
      if (!ancestor.isWithin(layout.clientRoot()) || ancestor.equals(layout.clientRoot())) {
        return Optional.empty();
      }
      if (!placeholders.contains(ancestor)) {
        return Optional.of(ancestor);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a replicated ancestor has arrived on the receiver: it exists with zfleet's role, or
   * with snapshots. A dataset without either may be a first receive still running.
   */
  static boolean arrived(ReplicaDataset dataset) {
    return dataset != null
        && (ReceiverState.of(true, dataset.role()) == ReceiverState.REPLICA
            || ReceiverState.of(true, dataset.role()) == ReceiverState.PLACEHOLDER
            || dataset.versions().stream().anyMatch(FilesystemVersion::isSnapshot));
  }
}
