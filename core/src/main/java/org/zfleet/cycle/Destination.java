package org.zfleet.cycle;

import java.util.Map;
import java.util.Objects;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.ReceiverLayout;

/** Where a job replicates to, as its listing found it: reachable with its datasets, or not. */
public sealed interface Destination {

  /** The sink (push) or source (pull) this destination is named after. */
  String name();

  /** Listed: where this job's filesystems land there, and every dataset under that root. */
  record Reachable(String name, ReceiverLayout layout, Map<DatasetName, ReplicaDataset> datasets)
      implements Destination {
    public Reachable {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(layout, "layout");
      datasets = Map.copyOf(datasets);
    }
  }

  /** Not listed this cycle; {@code reason} is one line for the operator. */
  record Unreachable(String name, String reason) implements Destination {
    public Unreachable {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
