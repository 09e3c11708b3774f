package org.zfleet.zfs;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * What replication, snapshotting and pruning need of ZFS, and nothing more. One adapter runs the
 * {@code zfs} command line ({@link ZfsCli}); an in-memory model serves fast tests; one contract
 * suite holds both to the same behaviour. Every failure is a {@link ZfsException}.
 */
public interface ZfsPort {

  /** What this ZFS can do, detected once when the port is made. */
  ZfsCapabilities capabilities();

  /**
   * Every filesystem and volume in the subtrees under {@code roots} (roots included), each with its
   * snapshots and bookmarks (guid, createtxg, creation) ordered by createtxg, and the requested
   * user properties of datasets and snapshots. One listing, whatever the number of datasets:
   * listing is the dominant cost at scale. Roots that do not exist are left out, not an error. No
   * roots at all means every pool of the host (a filter with zrepl's {@code "<" = true}). Datasets
   * come in tree order (a parent before its children, siblings by name).
   */
  List<DatasetListing> list(Collection<DatasetName> roots, Set<String> userProperties);

  void setUserProperty(String datasetOrSnapshot, String property, String value);

  void inheritUserProperty(DatasetName dataset, String property);

  /**
   * Creates a filesystem with the given properties; with {@code parents}, also its missing parents
   * below the pool, each created on its own with the same properties (never {@code zfs create -p},
   * whose parents would carry none), so that every dataset made is marked from its creation.
   */
  void createFilesystem(DatasetName dataset, Map<String, String> properties, boolean parents);

  /**
   * Takes {@code name} on every dataset of {@code datasets}: atomically in one command where this
   * ZFS takes several snapshots per command, otherwise one command per dataset.
   */
  void snapshot(Collection<DatasetName> datasets, String name);

  /** {@code zfs snapshot -r dataset@name}: the dataset and every descendant, atomically. */
  void snapshotRecursive(DatasetName dataset, String name);

  /** Destroys one snapshot; never forced, never recursive: a held snapshot stays and this fails. */
  void destroySnapshot(SnapshotName snapshot);

  void hold(SnapshotName snapshot, String tag);

  /** Releases {@code tag}; releasing a tag that is not held is not an error. */
  void release(SnapshotName snapshot, String tag);

  /** The holds on a snapshot: the count always, the tags where this ZFS can list them. */
  Holds holds(SnapshotName snapshot);

  /**
   * Creates {@code dataset#bookmark} from the snapshot; {@link ZfsException.Unsupported} without
   * bookmarks.
   */
  void bookmark(SnapshotName snapshot, String bookmark);

  /**
   * {@code zfs clone}: a new filesystem {@code clone} showing {@code origin}'s data, with the given
   * properties. The origin cannot be destroyed while the clone exists; the origin is not changed.
   */
  void clone(SnapshotName origin, DatasetName clone, Map<String, String> properties);

  /**
   * Destroys one filesystem: never recursive, never forced; one with snapshots or children stays
   * and this fails. Callers destroy only what they made and can recognise (e.g. a clone by its user
   * property).
   */
  void destroyFilesystem(DatasetName dataset);

  /**
   * The bytes each filesystem and volume under {@code roots} uses ({@code used}: its data, its
   * snapshots and its children). Roots that do not exist are left out.
   */
  Map<DatasetName, Long> spaceUsed(Collection<DatasetName> roots);

  /** Starts {@code zfs send}; its stdout is the stream. The caller must read it or kill it. */
  SendProcess send(SendRequest request);

  /** Starts {@code zfs receive} into {@code target}; its stdin takes the stream. */
  ReceiveProcess receive(ReceiveRequest request);
}
