package org.zfleet.endpoint;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.DestroyResult;
import org.zfleet.zfs.ResumeToken;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.SendRequest;
import org.zfleet.zfs.ZfsCapabilities;
import org.zfleet.zfs.ZfsException;
import org.zfleet.zfs.ZfsPort;

/**
 * The sending side of a replication as the steps see it: local (a push job's own pool) or remote (a
 * source job on another node). Every call is limited to the filesystems this sender serves;
 * anything else is refused with {@link AccessRefused}.
 */
public interface Sender {

  ZfsCapabilities capabilities();

  /** The served filesystems with their versions and the requested user properties. */
  List<DatasetListing> list(Set<String> userProperties);

  SendProcess send(SendRequest request);

  void hold(SnapshotName snapshot, String tag);

  void release(SnapshotName snapshot, String tag);

  /**
   * Holds {@code tag} on every snapshot (see {@link ZfsPort#holdAll}); returns those that could not
   * be held, with why. One call per snapshot unless the sender can do better.
   */
  default Map<SnapshotName, String> holdAll(String tag, Collection<SnapshotName> snapshots) {
    Map<SnapshotName, String> failed = new LinkedHashMap<>();
    for (SnapshotName s : snapshots) {
      try {
        hold(s, tag);
      } catch (ZfsException.AlreadyExists e) {
        // held already: what we want
      } catch (ZfsException e) {
        failed.put(s, e.getMessage());
      }
    }
    return failed;
  }

  /**
   * {@code zfs hold -r} (see {@link ZfsPort#holdRecursive}); a sender that cannot fails with {@link
   * ZfsException.Unsupported}, and the caller holds the snapshots one by one.
   */
  default void holdRecursive(String tag, SnapshotName snapshot) {
    throw new ZfsException.Unsupported("no recursive hold through this sender", List.of(), "");
  }

  /** {@code zfs release -r} (see {@link ZfsPort#releaseRecursive}); as {@link #holdRecursive}. */
  default void releaseRecursive(String tag, SnapshotName snapshot) {
    throw new ZfsException.Unsupported("no recursive release through this sender", List.of(), "");
  }

  /**
   * Releases {@code tag} from every snapshot (see {@link ZfsPort#releaseAll}); returns those whose
   * release failed, with why. One call per snapshot unless the sender can do better.
   */
  default Map<SnapshotName, String> releaseAll(String tag, Collection<SnapshotName> snapshots) {
    Map<SnapshotName, String> failed = new LinkedHashMap<>();
    for (SnapshotName s : snapshots) {
      try {
        release(s, tag);
      } catch (ZfsException.NotFound e) {
        // gone: nothing is held
      } catch (ZfsException e) {
        failed.put(s, e.getMessage());
      }
    }
    return failed;
  }

  void bookmark(SnapshotName snapshot, String bookmark);

  /**
   * Whether the replication cursor is kept as a bookmark here ({@link #bookmark}, {@link
   * #destroyBookmark}): this side's ZFS has bookmarks and the sender is on this node (the cluster's
   * protocol makes none). Otherwise the cursor is a held snapshot.
   */
  default boolean keepsCursorBookmarks() {
    return false;
  }

  /** Destroys {@code filesystem#bookmark}; where {@link #keepsCursorBookmarks} only. */
  default void destroyBookmark(DatasetName filesystem, String bookmark) {
    throw new ZfsException.Unsupported("no bookmarks through this sender", List.of(), "");
  }

  void setUserProperty(String datasetOrSnapshot, String property, String value);

  void inheritUserProperty(DatasetName dataset, String property);

  /** Prunes one sender snapshot (never forced). */
  void destroySnapshot(SnapshotName snapshot);

  /**
   * Prunes several sender snapshots of one filesystem (never forced), each failure kept with its
   * name: one {@code zfs destroy fs@a,b,c} where the ZFS takes a list, one at a time otherwise (and
   * here, by default, for endpoints that only destroy one at a time).
   */
  default DestroyResult destroySnapshots(DatasetName filesystem, List<String> snapshots) {
    return DestroyResult.oneByOne(filesystem, snapshots, this::destroySnapshot);
  }

  /**
   * Whether {@link #resumeSend} works: this side's ZFS resumes sends ({@code send -t}) and the
   * sender is on this node.
   */
  default boolean resumes() {
    return false;
  }

  /**
   * What {@code token} names as this sender's own ZFS reads it: a token that came from a sink on
   * another node is only text until then. Empty where this sender cannot read tokens.
   */
  default Optional<ResumeToken> readResumeToken(String token) {
    return Optional.empty();
  }

  /** {@code zfs send -t}: the rest of the interrupted stream {@code token} describes. */
  default SendProcess resumeSend(ResumeToken token) {
    throw new ZfsException.Unsupported("this sender cannot resume a send", List.of(), "");
  }
}
