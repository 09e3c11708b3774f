package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/** A dataset on a receiver: its versions and its local {@code zfleet:role}, if any. */
public record ReplicaDataset(
    DatasetName name, List<FilesystemVersion> versions, Optional<String> role) {
  public ReplicaDataset {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(versions);
    Objects.requireNonNull(role, "role");
  }
}
