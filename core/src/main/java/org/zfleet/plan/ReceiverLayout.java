package org.zfleet.plan;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.zfleet.model.DatasetName;

/**
 * Where a client's filesystems land on a receiver: {@code <root-fs>/<client identity>/<sender
 * path>}, the sender path including its pool, and which parents must exist as placeholders so that
 * nested filesystems can be received. {@code root-fs} itself is the operator's and is never created
 * here.
 */
public record ReceiverLayout(DatasetName rootFs, String clientIdentity) {

  /** Shallower datasets first, then by name: a parent before its children. */
  public static final Comparator<DatasetName> PARENTS_FIRST =
      Comparator.comparingInt(DatasetName::depth).thenComparing(DatasetName::value);

  public ReceiverLayout {
    Objects.requireNonNull(rootFs, "rootFs");
    Objects.requireNonNull(clientIdentity, "clientIdentity");
    String problem =
        clientIdentity.isEmpty() ? "empty" : DatasetName.componentProblem(clientIdentity);
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid client identity \""
              + clientIdentity
              + "\": must be one dataset name component ("
              + problem
              + ")");
    }
    String clientRoot = rootFs.value() + "/" + clientIdentity;
    String rootProblem = DatasetName.problem(clientRoot);
    if (rootProblem != null) {
      throw new IllegalArgumentException(
          "invalid client root \"" + clientRoot + "\": " + rootProblem);
    }
  }

  /**
   * {@code <root-fs>/<client identity>}: the placeholder under which all of one client's
   * filesystems live.
   */
  public DatasetName clientRoot() {
    return rootFs.child(clientIdentity);
  }

  /** Where {@code senderFs} is received. */
  public DatasetName receiverPath(DatasetName senderFs) {
    Objects.requireNonNull(senderFs, "senderFs");
    String path = clientRoot().value() + "/" + senderFs.value();
    String problem = DatasetName.problem(path);
    if (problem != null) {
      throw new IllegalArgumentException(
          "sender filesystem "
              + senderFs
              + " cannot be received under "
              + clientRoot()
              + ": "
              + problem);
    }
    return new DatasetName(path);
  }

  /**
   * The sender filesystem that {@code receiverFs} holds, or empty if it is not below the client
   * root.
   */
  public Optional<DatasetName> senderPath(DatasetName receiverFs) {
    DatasetName clientRoot = clientRoot();
    if (!receiverFs.isWithin(clientRoot) || receiverFs.equals(clientRoot)) {
      return Optional.empty();
    }
    return Optional.of(new DatasetName(receiverFs.relativeTo(clientRoot)));
  }

  /**
   * The receiver datasets to create as placeholders before receiving {@code replicatedSenders}:
   * every ancestor of a receiver path from the client root down, except those that are receiver
   * paths of replicated filesystems themselves, parents first. A placeholder that exists already is
   * for the caller to skip; one whose filesystem later becomes replicated is no longer listed and
   * receives a forced full stream (see {@link Step}).
   */
  public List<DatasetName> placeholders(Collection<DatasetName> replicatedSenders) {
    Set<DatasetName> received = new HashSet<>();
    for (DatasetName sender : replicatedSenders) {
      received.add(receiverPath(sender));
    }
    DatasetName clientRoot = clientRoot();
    Set<DatasetName> placeholders = new TreeSet<>(PARENTS_FIRST);
    for (DatasetName path : received) {
      Optional<DatasetName> parent = path.parent();
      while (parent.isPresent() && parent.get().isWithin(clientRoot)) {
        if (!received.contains(parent.get())) {
          placeholders.add(parent.get());
        }
        parent = parent.get().parent();
      }
    }
    return List.copyOf(placeholders);
  }

  /** Properties of a new placeholder: zfleet's role, and never mounted (children still mount). */
  public static Map<String, String> placeholderProperties() {
    return Map.of(ReceiverState.ROLE_PROPERTY, ReceiverState.ROLE_PLACEHOLDER, "canmount", "off");
  }

  /**
   * Properties to set on a dataset after its first receive and every forced one (zfs-fuse has no
   * {@code receive -o}). A former placeholder keeps its local {@code canmount=off} through the
   * forced receive: zfleet leaves it so (changing canmount remounts the children, which fails while
   * they are busy), and the operator mounts it with {@code zfs set canmount=on} if wanted.
   */
  public static Map<String, String> replicaProperties() {
    return Map.of(ReceiverState.ROLE_PROPERTY, ReceiverState.ROLE_REPLICA);
  }
}
