package org.zfleet.cycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.ReceiverState;
import org.zfleet.plan.Step;

/**
 * One filesystem's state as its cycle knows it: the sender side and, per destination, its replica
 * (or why the destination is out of reach). Made from the job's listing, then moved on by what the
 * filesystem's own steps did, so a step never acts on a view older than the one before it.
 */
public record FilesystemView(
    SenderFilesystem sender,
    List<DestinationView> destinations,
    Optional<String> senderNode,
    Optional<String> snapshotPrefix) {

  public FilesystemView {
    Objects.requireNonNull(sender, "sender");
    destinations = List.copyOf(destinations);
    Objects.requireNonNull(senderNode, "senderNode");
    Objects.requireNonNull(snapshotPrefix, "snapshotPrefix");
  }

  public DatasetName name() {
    return sender.name();
  }

  /** A destination as one filesystem sees it. */
  public sealed interface DestinationView {
    String name();

    /**
     * Reachable: where the filesystem lands, the dataset there if any, the placeholder parents
     * still to create and the replicated ancestor a first receive must wait for.
     */
    record Reachable(
        String name,
        DatasetName clientRoot,
        DatasetName target,
        Optional<ReplicaDataset> replica,
        List<DatasetName> placeholders,
        Optional<DatasetName> awaitParent)
        implements DestinationView {
      public Reachable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clientRoot, "clientRoot");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(replica, "replica");
        placeholders = List.copyOf(placeholders);
        Objects.requireNonNull(awaitParent, "awaitParent");
      }
    }

    /** Not reachable this cycle. */
    record Unreachable(String name, String reason) implements DestinationView {}
  }

  /**
   * The state after a replication to {@code effect.destination()}: the receiver holds what the
   * completed steps sent, the cursor stands where the step left it (and marks of an older form are
   * retired with its move), no step mark is left, and the placeholders exist.
   */
  public FilesystemView after(ReplicationEffect effect) {
    Map<String, SenderFilesystem.Marks> marks = new HashMap<>(sender.marks());
    SenderFilesystem.Marks old = sender.marksFor(effect.destination());
    marks.put(
        effect.destination(),
        new SenderFilesystem.Marks(
            effect.cursor().map(v -> Long.toUnsignedString(v.guid())).or(old::cursor),
            Optional.empty(),
            effect.cursor().isPresent() ? Map.of() : old.legacy(),
            effect.cursorBookmark().map(b -> List.of(b.name())).orElse(old.cursorBookmarks())));
    List<FilesystemVersion> versions = sender.versions();
    if (effect.cursorBookmark().isPresent()) {
      // The step made the new cursor bookmark and destroyed the destination's older ones.
      versions = new ArrayList<>(versions);
      versions.removeIf(v -> !v.isSnapshot() && old.cursorBookmarks().contains(v.name()));
      versions.add(effect.cursorBookmark().get());
      versions.sort(
          java.util.Comparator.comparingLong(FilesystemVersion::createTxg)
              .thenComparing(FilesystemVersion::kind));
    }
    List<DestinationView> moved = new ArrayList<>();
    for (DestinationView d : destinations) {
      if (d instanceof DestinationView.Reachable r && r.name().equals(effect.destination())) {
        moved.add(received(r, effect.done()));
      } else {
        moved.add(d);
      }
    }
    return new FilesystemView(
        new SenderFilesystem(sender.name(), versions, marks, sender.heldSnapshots()),
        moved,
        senderNode,
        snapshotPrefix);
  }

  private DestinationView.Reachable received(DestinationView.Reachable r, List<Step> done) {
    if (done.isEmpty()) {
      return r;
    }
    List<FilesystemVersion> versions =
        new ArrayList<>(r.replica().map(ReplicaDataset::versions).orElse(List.of()));
    long txg = versions.stream().mapToLong(FilesystemVersion::createTxg).max().orElse(0);
    for (FilesystemVersion sent : sent(done)) {
      // The receiver's own createtxg is unknown until it is listed; it only orders its versions.
      versions.add(FilesystemVersion.snapshot(sent.name(), sent.guid(), ++txg, sent.creation()));
    }
    ReplicaDataset replica =
        new ReplicaDataset(r.target(), versions, Optional.of(ReceiverState.ROLE_REPLICA));
    return new DestinationView.Reachable(
        r.name(), r.clientRoot(), r.target(), Optional.of(replica), List.of(), Optional.empty());
  }

  /** The snapshots the steps sent, oldest first: with {@code -I} every one between the ends. */
  private List<FilesystemVersion> sent(List<Step> done) {
    List<FilesystemVersion> sent = new ArrayList<>();
    for (Step step : done) {
      if (step.flag() == Step.Flag.INTERMEDIATE) {
        long from = step.from().orElseThrow().createTxg();
        sender.versions().stream()
            .filter(FilesystemVersion::isSnapshot)
            .filter(v -> v.createTxg() > from && v.createTxg() <= step.to().createTxg())
            .forEach(sent::add);
      } else {
        sent.add(step.to());
      }
    }
    return sent;
  }
}
