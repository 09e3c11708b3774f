package org.zfleet.replication;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.PlanOptions;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.zfs.DatasetListing;

/**
 * Everything one replication of one filesystem to one destination starts from, taken from the job's
 * listing of this cycle: the sender's filesystem, the receiver's dataset if it exists, the receiver
 * datasets that exist (for placeholders), and the job's planning options.
 */
public record ReplicationTask(
    DatasetListing sender,
    ReceiverLayout layout,
    Optional<DatasetListing> receiver,
    Set<DatasetName> receiverDatasets,
    List<DatasetName> placeholders,
    PlanOptions options,
    ReplicationMarks marks) {

  public ReplicationTask {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(receiver, "receiver");
    receiverDatasets = Set.copyOf(receiverDatasets);
    placeholders = List.copyOf(placeholders);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(marks, "marks");
  }

  public DatasetName senderFs() {
    return sender.name();
  }

  public DatasetName receiverFs() {
    return layout.receiverPath(sender.name());
  }

  /** A sender filesystem property from the listing. */
  public Optional<String> senderProperty(String name) {
    return Optional.ofNullable(sender.properties().get(name));
  }

  /** Properties every received dataset gets. */
  public static Map<String, String> replicaProperties() {
    return ReceiverLayout.replicaProperties();
  }
}
