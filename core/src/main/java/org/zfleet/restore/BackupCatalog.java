package org.zfleet.restore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.DatasetListing;

/**
 * What the receiving jobs (sinks and pulls) of this node hold, read from one ZFS listing of their
 * roots: every dataset below {@code <root-fs>/<client>} that has snapshots is a {@link Replica}.
 * Pure: the listing comes in as values. Finds what an operator names for a restore or a mount, and
 * when nothing matches says what exists.
 */
public record BackupCatalog(List<Replica> replicas) {

  /** A receiving job and the root its clients' filesystems land under. */
  public record ReceivingRoot(String job, DatasetName rootFs) {
    public ReceivingRoot {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(rootFs, "rootFs");
    }
  }

  /** What a name given by the operator stands for. */
  public sealed interface Lookup {
    /** The replica and the snapshot (the newest when none was named). */
    record Found(Replica replica, FilesystemVersion snapshot) implements Lookup {}

    /** Nothing, or more than one thing, matches; the message says what exists. */
    record NotFound(String message) implements Lookup {}
  }

  public BackupCatalog {
    replicas = List.copyOf(replicas);
  }

  /**
   * The replicas under {@code roots} in {@code listing} (tree order kept), with {@code used} bytes
   * where known. Datasets without snapshots (placeholders, client roots) are structure, not
   * replicas.
   */
  public static BackupCatalog of(
      Collection<ReceivingRoot> roots, List<DatasetListing> listing, Map<DatasetName, Long> used) {
    List<Replica> replicas = new ArrayList<>();
    for (DatasetListing d : listing) {
      for (ReceivingRoot root : roots) {
        if (!d.name().isWithin(root.rootFs()) || d.name().depth() < root.rootFs().depth() + 2) {
          continue;
        }
        List<String> below = List.of(d.name().relativeTo(root.rootFs()).split("/", 2));
        List<FilesystemVersion> snapshots =
            d.versions().stream().filter(FilesystemVersion::isSnapshot).toList();
        if (below.size() == 2 && !snapshots.isEmpty()) {
          replicas.add(
              new Replica(
                  root.job(),
                  below.get(0),
                  DatasetName.of(below.get(1)),
                  d.name(),
                  snapshots,
                  used.getOrDefault(d.name(), 0L)));
        }
      }
    }
    return new BackupCatalog(replicas);
  }

  /** The replicas of one client (all with an empty {@code client}). */
  public List<Replica> ofClient(Optional<String> client) {
    return replicas.stream().filter(r -> client.map(r.client()::equals).orElse(true)).toList();
  }

  /**
   * What {@code name} ({@code DATASET} or {@code DATASET@SNAPSHOT}) stands for: a replica dataset,
   * or a client's own filesystem name held by exactly one replica (of {@code client}, if given).
   */
  public Lookup find(String name, Optional<String> client) {
    return find(name, client, "no receiving job on this node");
  }

  /** As {@link #find(String, Optional)}; {@code none} says who holds nothing by that name. */
  public Lookup find(String name, Optional<String> client, String none) {
    int at = name.indexOf('@');
    String datasetText = at < 0 ? name : name.substring(0, at);
    Optional<String> snapshotName = at < 0 ? Optional.empty() : Optional.of(name.substring(at + 1));
    String problem = DatasetName.problem(datasetText);
    if (problem != null) {
      return new Lookup.NotFound("\"" + name + "\" is not a dataset or snapshot name: " + problem);
    }
    if (snapshotName.isPresent() && SnapshotName.shortNameProblem(snapshotName.get()) != null) {
      return new Lookup.NotFound(
          "\""
              + name
              + "\" is not a dataset or snapshot name: "
              + SnapshotName.shortNameProblem(snapshotName.get()));
    }
    DatasetName dataset = DatasetName.of(datasetText);
    List<Replica> candidates = ofClient(client);
    List<Replica> matches = candidates.stream().filter(r -> r.dataset().equals(dataset)).toList();
    if (matches.isEmpty()) {
      matches = candidates.stream().filter(r -> r.original().equals(dataset)).toList();
    }
    if (matches.isEmpty()) {
      return new Lookup.NotFound(
          none
              + " holds "
              + dataset
              + client.map(c -> " of client " + c).orElse("")
              + existing(candidates));
    }
    if (matches.size() > 1) {
      return new Lookup.NotFound(
          dataset
              + " is held by "
              + matches.size()
              + " replicas; name one of them (or give --client):"
              + lines(matches));
    }
    Replica replica = matches.get(0);
    if (snapshotName.isEmpty()) {
      return new Lookup.Found(replica, replica.newest().orElseThrow());
    }
    return replica
        .snapshot(snapshotName.get())
        .<Lookup>map(s -> new Lookup.Found(replica, s))
        .orElseGet(
            () ->
                new Lookup.NotFound(
                    replica.dataset()
                        + " has no snapshot @"
                        + snapshotName.get()
                        + "; it has (oldest first): "
                        + replica.snapshots().stream()
                            .map(FilesystemVersion::name)
                            .collect(Collectors.joining(", "))));
  }

  private static String existing(List<Replica> replicas) {
    return replicas.isEmpty() ? "; it holds no replicas" : "; it holds:" + lines(replicas);
  }

  private static String lines(List<Replica> replicas) {
    return replicas.stream().map(r -> "\n  " + r.describe()).collect(Collectors.joining());
  }
}
