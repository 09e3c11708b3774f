package org.zfleet.endpoint;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * The sending side on this node: a push job's own filesystems, or a source job serving a pull job.
 * Only the filesystems its filter selects are listed, sent, held or pruned.
 */
public final class LocalSender implements Sender {

  private static final Logger log = LoggerFactory.getLogger(LocalSender.class);

  private final ZfsPort zfs;
  private final String job;
  private final String identity;
  private final Collection<DatasetName> roots;
  private final Predicate<DatasetName> serves;

  /**
   * @param roots the subtrees to list (the filter's roots)
   * @param serves whether a dataset is selected by the job's filter
   * @param identity who is asking (this node for a push job, the pull job's node for a source)
   */
  public LocalSender(
      ZfsPort zfs,
      String job,
      String identity,
      Collection<DatasetName> roots,
      Predicate<DatasetName> serves) {
    this.zfs = zfs;
    this.job = job;
    this.identity = identity;
    this.roots = List.copyOf(roots);
    this.serves = serves;
  }

  @Override
  public ZfsCapabilities capabilities() {
    return zfs.capabilities();
  }

  @Override
  public List<DatasetListing> list(Set<String> userProperties) {
    return zfs.list(roots, userProperties).stream().filter(d -> serves.test(d.name())).toList();
  }

  @Override
  public SendProcess send(SendRequest request) {
    check(request.to().dataset());
    return zfs.send(request);
  }

  @Override
  public void hold(SnapshotName snapshot, String tag) {
    check(snapshot.dataset());
    zfs.hold(snapshot, tag);
  }

  @Override
  public void release(SnapshotName snapshot, String tag) {
    check(snapshot.dataset());
    zfs.release(snapshot, tag);
  }

  @Override
  public Map<SnapshotName, String> holdAll(String tag, Collection<SnapshotName> snapshots) {
    snapshots.forEach(s -> check(s.dataset()));
    return zfs.holdAll(tag, snapshots);
  }

  /** Only for a subtree the job selects whole: every snapshot it reaches is the job's. */
  @Override
  public void holdRecursive(String tag, SnapshotName snapshot) {
    check(snapshot.dataset());
    zfs.holdRecursive(tag, snapshot);
  }

  @Override
  public void releaseRecursive(String tag, SnapshotName snapshot) {
    check(snapshot.dataset());
    zfs.releaseRecursive(tag, snapshot);
  }

  @Override
  public Map<SnapshotName, String> releaseAll(String tag, Collection<SnapshotName> snapshots) {
    snapshots.forEach(s -> check(s.dataset()));
    return zfs.releaseAll(tag, snapshots);
  }

  @Override
  public void bookmark(SnapshotName snapshot, String bookmark) {
    check(snapshot.dataset());
    zfs.bookmark(snapshot, bookmark);
  }

  @Override
  public boolean keepsCursorBookmarks() {
    return zfs.capabilities().bookmarks();
  }

  @Override
  public void destroyBookmark(DatasetName filesystem, String bookmark) {
    check(filesystem);
    zfs.destroyBookmark(filesystem, bookmark);
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    check(datasetOf(datasetOrSnapshot));
    zfs.setUserProperty(datasetOrSnapshot, property, value);
  }

  @Override
  public void inheritUserProperty(DatasetName dataset, String property) {
    check(dataset);
    zfs.inheritUserProperty(dataset, property);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    check(snapshot.dataset());
    zfs.destroySnapshot(snapshot);
  }

  @Override
  public DestroyResult destroySnapshots(DatasetName filesystem, List<String> snapshots) {
    check(filesystem);
    return zfs.destroySnapshots(filesystem, snapshots);
  }

  @Override
  public boolean resumes() {
    return zfs.capabilities().resumableReceive();
  }

  @Override
  public Optional<ResumeToken> readResumeToken(String token) {
    return zfs.decodeResumeToken(token);
  }

  @Override
  public SendProcess resumeSend(ResumeToken token) {
    // What the token names must be served here; ZFS checks the rest against its snapshots. A token
    // that names nothing readable is not sent from: zfs would send whatever it names.
    String named =
        token
            .toName()
            .orElseThrow(
                () ->
                    new ZfsException.ResumeFailed(
                        "zfs send -t: the resume token names no snapshot this sender can read",
                        List.of(),
                        ""));
    check(SnapshotName.parse(named).dataset());
    return zfs.resumeSend(token);
  }

  private static DatasetName datasetOf(String datasetOrSnapshot) {
    return datasetOrSnapshot.contains("@")
        ? SnapshotName.parse(datasetOrSnapshot).dataset()
        : DatasetName.of(datasetOrSnapshot);
  }

  private void check(DatasetName dataset) {
    if (!serves.test(dataset)) {
      log.warn(
          "refused job={} identity={} dataset=\"{}\" reason=\"not selected by the job's filesystems\"",
          job,
          identity,
          dataset);
      throw new AccessRefused(
          identity, dataset.value(), "not selected by the filesystems of job " + job);
    }
  }
}
