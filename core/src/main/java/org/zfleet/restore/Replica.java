package org.zfleet.restore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * One client filesystem as a receiving job on this node holds it: the job (a sink or a pull), the
 * client node, the client's own name for the filesystem, the replica dataset ({@code
 * <root-fs>/<client>/<original>}), its snapshots oldest first, and the bytes it uses.
 */
public record Replica(
    String job,
    String client,
    DatasetName original,
    DatasetName dataset,
    List<FilesystemVersion> snapshots,
    long usedBytes) {

  public Replica {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(dataset, "dataset");
    snapshots = snapshots.stream().filter(FilesystemVersion::isSnapshot).toList();
  }

  public Optional<FilesystemVersion> newest() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  public Optional<FilesystemVersion> snapshot(String name) {
    return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** One line for listings and error messages. */
  public String describe() {
    return dataset
        + " ("
        + client
        + ":"
        + original
        + ", "
        + snapshots.size()
        + (snapshots.size() == 1 ? " snapshot" : " snapshots")
        + newest().map(n -> ", newest @" + n.name()).orElse("")
        + ")";
  }
}
