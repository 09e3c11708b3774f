package org.zfleet.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.zfleet.model.FilesystemVersion;

/**
 * Plans the replication of one filesystem from the sender's and the receiver's version lists,
 * matched by guid and each ordered by its own pool's createtxg. Pure: no I/O, no clock.
 *
 * <p>Decisions, in order:
 *
 * <ol>
 *   <li>A receiver dataset zfleet did not create is a conflict, whatever its snapshots.
 *   <li>If the receiver has snapshots, the base is the newest of them whose guid the sender has (as
 *       a snapshot, else as a bookmark, the replication cursor included). No such snapshot is a
 *       conflict; receiver snapshots newer than the base are a conflict too (never rolled back
 *       automatically: nothing is destroyed). Otherwise the steps run from the base through every
 *       newer sender snapshot the job replicates; none means up to date. Replicated snapshots older
 *       than the base are not sent: ZFS cannot receive into the past.
 *   <li>If the receiver has no snapshot: an absent dataset or an empty zfleet placeholder gets the
 *       initial replication of the policy (into a placeholder with a forced full receive, see
 *       {@link Step}); an existing replica without snapshots is a conflict, because a full receive
 *       would overwrite it. A placeholder that holds snapshots (a crash between receiving and
 *       marking it a replica) is planned by its snapshots like a replica, never forced.
 * </ol>
 *
 * Receiver bookmarks are ignored: ZFS receives on top of a snapshot only.
 */
public final class Planner {

  private static final int NAMES_SHOWN = 5;

  private Planner() {}

  /**
   * @throws IllegalArgumentException if {@code options} says the receiver dataset is absent while
   *     {@code receiver} lists versions of it
   */
  public static Plan plan(
      List<FilesystemVersion> sender, List<FilesystemVersion> receiver, PlanOptions options) {
    Objects.requireNonNull(options, "options");
    List<FilesystemVersion> orderedSender = VersionOrder.ordered(sender);
    List<FilesystemVersion> orderedReceiver = VersionOrder.ordered(receiver);
    List<FilesystemVersion> receiverSnapshots = VersionOrder.snapshots(orderedReceiver);
    ReceiverState state = options.receiverState();
    if (state == ReceiverState.ABSENT && !orderedReceiver.isEmpty()) {
      throw new IllegalArgumentException(
          "the receiver dataset is said to be absent but has "
              + orderedReceiver.size()
              + " versions");
    }
    if (state == ReceiverState.FOREIGN) {
      return new Plan.Conflict(
          Plan.Reason.NOT_CREATED_BY_ZFLEET,
          "it has "
              + count(receiverSnapshots.size(), "snapshot")
              + " and no "
              + ReceiverState.ROLE_PROPERTY
              + " property; zfleet never receives into a dataset it did not create"
              + " (set "
              + ReceiverState.ROLE_PROPERTY
              + "="
              + ReceiverState.ROLE_REPLICA
              + " on it to adopt it, or rename it)");
    }
    if (!receiverSnapshots.isEmpty()) {
      return incremental(orderedSender, receiverSnapshots, options);
    }
    if (state == ReceiverState.REPLICA) {
      return new Plan.Conflict(
          Plan.Reason.NO_COMMON_SNAPSHOT,
          "the receiver dataset exists without snapshots and is not a placeholder;"
              + " a full receive would overwrite it (destroy it to replicate afresh)");
    }
    return initial(orderedSender, options);
  }

  private static Plan incremental(
      List<FilesystemVersion> orderedSender,
      List<FilesystemVersion> receiverSnapshots,
      PlanOptions options) {
    Optional<CommonBase> common = VersionOrder.newestCommon(orderedSender, receiverSnapshots);
    if (common.isEmpty()) {
      return new Plan.Conflict(
          Plan.Reason.NO_COMMON_SNAPSHOT,
          noCommonDetail(orderedSender, receiverSnapshots, options));
    }
    CommonBase base = common.get();
    int baseIndex = receiverSnapshots.indexOf(base.onReceiver());
    List<FilesystemVersion> newer =
        receiverSnapshots.subList(baseIndex + 1, receiverSnapshots.size());
    if (!newer.isEmpty()) {
      return new Plan.Conflict(
          Plan.Reason.RECEIVER_HAS_NEWER_SNAPSHOTS,
          "the newest common snapshot is "
              + base.onReceiver().relativeName()
              + " but the receiver also has "
              + names(newer)
              + " that the sender does not have; zfleet destroys nothing"
              + " (roll the receiver back to "
              + base.onReceiver().relativeName()
              + " to resume)");
    }
    List<Step> steps = StepChain.after(base.onSender(), orderedSender, options.replicates());
    return steps.isEmpty() ? new Plan.UpToDate() : new Plan.Steps(steps);
  }

  private static Plan initial(List<FilesystemVersion> orderedSender, PlanOptions options) {
    List<FilesystemVersion> replicated =
        VersionOrder.snapshots(orderedSender).stream().filter(options.replicates()).toList();
    if (replicated.isEmpty()) {
      return new Plan.UpToDate();
    }
    boolean intoPlaceholder = options.receiverState() == ReceiverState.PLACEHOLDER;
    switch (options.initialReplication()) {
      case FAIL:
        return new Plan.Conflict(
            Plan.Reason.INITIAL_REPLICATION_REQUIRED,
            "the receiver has no snapshot and the sender has "
                + count(replicated.size(), "snapshot")
                + " to replicate (newest "
                + replicated.get(replicated.size() - 1).relativeName()
                + ")");
      case MOST_RECENT:
        return new Plan.Steps(
            List.of(full(replicated.get(replicated.size() - 1), intoPlaceholder)));
      case ALL:
        FilesystemVersion oldest = replicated.get(0);
        List<Step> steps = new ArrayList<>();
        steps.add(full(oldest, intoPlaceholder));
        steps.addAll(StepChain.after(oldest, orderedSender, options.replicates()));
        return new Plan.Steps(steps);
      default:
        throw new IllegalStateException("unknown policy " + options.initialReplication());
    }
  }

  private static Step full(FilesystemVersion to, boolean intoPlaceholder) {
    return intoPlaceholder ? Step.fullIntoPlaceholder(to) : Step.full(to);
  }

  private static String noCommonDetail(
      List<FilesystemVersion> orderedSender,
      List<FilesystemVersion> receiverSnapshots,
      PlanOptions options) {
    StringBuilder detail = new StringBuilder();
    detail
        .append("none of the receiver's ")
        .append(count(receiverSnapshots.size(), "snapshot"))
        .append(" (newest ")
        .append(receiverSnapshots.get(receiverSnapshots.size() - 1).relativeName())
        .append(") is on the sender by guid");
    if (orderedSender.isEmpty()) {
      detail.append(", and the sender has no snapshots or bookmarks");
    }
    if (options.cursorGuid().isPresent()) {
      long cursor = options.cursorGuid().getAsLong();
      orderedSender.stream()
          .filter(v -> v.guid() == cursor)
          .findFirst()
          .ifPresent(
              v ->
                  detail
                      .append("; the replication cursor ")
                      .append(v.relativeName())
                      .append(
                          " is not on the receiver (was it rolled back, or its snapshots"
                              + " destroyed?)"));
    }
    return detail.toString();
  }

  private static String names(List<FilesystemVersion> versions) {
    String shown =
        versions.stream()
            .limit(NAMES_SHOWN)
            .map(FilesystemVersion::relativeName)
            .collect(Collectors.joining(", "));
    String more =
        versions.size() > NAMES_SHOWN ? " and " + (versions.size() - NAMES_SHOWN) + " more" : "";
    return count(versions.size(), "newer snapshot") + " (" + shown + more + ")";
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
