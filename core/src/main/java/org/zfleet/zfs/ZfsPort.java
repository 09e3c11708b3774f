package org.zfleet.zfs;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
   * come in tree order (a parent before its children, siblings by name). Asking for {@link
   * DatasetListing#USERREFS} among the properties also reads each snapshot's hold count (see {@link
   * DatasetListing#userRefs}), and {@link DatasetListing#RESUME_TOKEN} (a ZFS with resumable
   * receive) which datasets hold an interrupted receive.
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

  /**
   * Destroys snapshots of one filesystem, never forced, never recursive: with one {@code zfs
   * destroy fs@a,b,c} where {@link ZfsCapabilities#destroySnapshotList}, otherwise one command
   * each. When some cannot go (held, busy), the others still do and the result says which failed
   * and why; a snapshot that does not exist (or whose filesystem does not) fails with {@link
   * ZfsException.NotFound}. Only a ZFS that does not answer ({@link ZfsException.Unavailable},
   * {@link ZfsException.Timeout}) is thrown.
   *
   * @param snapshots short names
   */
  DestroyResult destroySnapshots(DatasetName filesystem, Collection<String> snapshots);

  void hold(SnapshotName snapshot, String tag);

  /** Releases {@code tag}; releasing a tag that is not held is not an error. */
  void release(SnapshotName snapshot, String tag);

  /**
   * Places hold {@code tag} on every snapshot of {@code snapshots}, in as few commands as the
   * command line allows (zfs-fuse and OpenZFS both take many snapshots per {@code zfs hold}). A
   * snapshot that already has the tag counts as held. Returns those that could not be held (gone,
   * say), each with zfs's reason; fails as a whole only when zfs itself did.
   */
  Map<SnapshotName, String> holdAll(String tag, Collection<SnapshotName> snapshots);

  /**
   * Releases {@code tag} from every snapshot of {@code snapshots}, in as few commands as the
   * command line allows. A snapshot without the tag, or gone, counts as released. Returns those
   * whose release failed otherwise, each with zfs's reason; fails as a whole only when zfs itself
   * did.
   */
  Map<SnapshotName, String> releaseAll(String tag, Collection<SnapshotName> snapshots);

  /**
   * {@code zfs hold -r tag dataset@name}: the tag on that snapshot and on the snapshot of that name
   * of every descendant, in one operation (on zfs-fuse one transaction for all: a second for a
   * thousand snapshots, where naming them takes one per snapshot). All or nothing: if one of them
   * has the tag already, none is held and this fails.
   */
  void holdRecursive(String tag, SnapshotName snapshot);

  /**
   * {@code zfs release -r tag dataset@name}: the tag from that snapshot and from the snapshot of
   * that name of every descendant. Fails if one of them lacks the tag, and then may have released
   * none or some: the caller releases them one by one.
   */
  void releaseRecursive(String tag, SnapshotName snapshot);

  /** The holds on a snapshot: the count always, the tags where this ZFS can list them. */
  Holds holds(SnapshotName snapshot);

  /**
   * Creates {@code dataset#bookmark} from the snapshot; {@link ZfsException.Unsupported} without
   * bookmarks.
   */
  void bookmark(SnapshotName snapshot, String bookmark);

  /**
   * Destroys {@code filesystem#bookmark}; {@link ZfsException.Unsupported} without bookmarks,
   * {@link ZfsException.NotFound} if it does not exist.
   */
  void destroyBookmark(DatasetName filesystem, String bookmark);

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

  /**
   * Whether {@code dataset} is encrypted (its {@code encryption} is not {@code off}); false on a
   * ZFS without encryption ({@link ZfsCapabilities#encryption}), which asks nothing.
   */
  default boolean encrypted(DatasetName dataset) {
    return false;
  }

  /**
   * Starts {@code zfs send}; its stdout is the stream. The caller must read it or kill it. A flag
   * this ZFS does not have is refused with {@link ZfsException.Unsupported} before anything runs.
   */
  SendProcess send(SendRequest request);

  /**
   * The size in bytes of the stream {@code request} would send ({@code zfs send -nP}), without
   * sending it; empty where this ZFS cannot tell ({@link ZfsCapabilities#sendSizeEstimate}).
   */
  OptionalLong estimateSendSize(SendRequest request);

  /**
   * Starts {@code zfs receive} into {@code target}; its stdin takes the stream. A resumable request
   * on a ZFS without resumable receive is refused with {@link ZfsException.Unsupported}.
   */
  ReceiveProcess receive(ReceiveRequest request);

  /**
   * The resume token an interrupted resumable receive left on {@code target}, decoded as far as ZFS
   * can; empty when there is none, or when this ZFS has no resumable receive. {@link
   * ZfsException.NotFound} if the target does not exist.
   */
  Optional<ResumeToken> resumeToken(DatasetName target);

  /**
   * Starts {@code zfs send -t token}: the rest of an interrupted stream, to be received with a
   * resumable receive into the target that holds the token. The stream keeps the form (flags) of
   * the send it continues. A token that does not fit this sender's snapshots fails as {@link
   * ZfsException.StreamFailed}.
   */
  SendProcess resumeSend(ResumeToken token);

  /**
   * What {@code token} names as this ZFS reads it ({@code zfs send -nvt}): the snapshot, its base
   * and the bytes received. A sender decodes a token that came from another node itself before
   * sending from it. Empty when this ZFS has no resumable send or cannot read the token.
   */
  Optional<ResumeToken> decodeResumeToken(String token);

  /**
   * {@code zfs receive -A}: discards the partial state of an interrupted resumable receive into
   * {@code target} (a target the receive was creating goes with it; an existing one keeps its
   * snapshots and data). {@link ZfsException.NotFound} if there is no such state.
   */
  void abortResumableReceive(DatasetName target);
}
