package org.zfleet.zfs;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * A job's view of the node's {@link ZfsPort}: every send (and size estimate) it asks for carries
 * the job's {@link SendFlag}s (its {@code send} section), and with {@code raw = auto} also {@code
 * -w} when the filesystem sent is encrypted; everything else passes through. Made once per job
 * where the job's driver is made, so replication needs no knowledge of the flags.
 */
public final class SendFlagsPort implements ZfsPort {

  private final ZfsPort zfs;
  private final Set<SendFlag> flags;
  private final boolean rawWhenEncrypted;

  private SendFlagsPort(ZfsPort zfs, Set<SendFlag> flags, boolean rawWhenEncrypted) {
    this.zfs = zfs;
    this.flags = flags;
    this.rawWhenEncrypted = rawWhenEncrypted;
  }

  /**
   * {@code zfs} with {@code flags} added to every send, and {@code -w} to the sends of encrypted
   * filesystems when {@code rawWhenEncrypted} (the {@code auto} of {@code send.raw}) and this ZFS
   * has encryption: on one without (zfs-fuse) nothing is encrypted, and sends stay plain.
   */
  public static ZfsPort of(ZfsPort zfs, Set<SendFlag> flags, boolean rawWhenEncrypted) {
    ZfsPort withFlags = of(zfs, flags);
    boolean auto =
        rawWhenEncrypted
            && !flags.contains(SendFlag.RAW)
            && zfs.capabilities().encryption()
            && zfs.capabilities().sendFlags().contains(SendFlag.RAW);
    if (!auto) {
      return withFlags;
    }
    return new SendFlagsPort(zfs, flags.isEmpty() ? Set.of() : Set.copyOf(flags), true);
  }

  /**
   * {@code zfs} with {@code flags} added to every send; {@code zfs} itself when there are none.
   * Fails with {@link ZfsException.Unsupported} at once when this ZFS lacks one of them, rather
   * than at every send.
   */
  public static ZfsPort of(ZfsPort zfs, Set<SendFlag> flags) {
    Objects.requireNonNull(zfs, "zfs");
    if (flags.isEmpty()) {
      return zfs;
    }
    if (!zfs.capabilities().sends(flags)) {
      Set<SendFlag> missing = EnumSet.copyOf(flags);
      missing.removeAll(zfs.capabilities().sendFlags());
      throw new ZfsException.Unsupported(
          "this ZFS cannot send with "
              + missing.stream().map(f -> f.zreplName() + " (zfs send " + f.option() + ")").toList()
              + ": it needs OpenZFS",
          List.of(),
          "");
    }
    return new SendFlagsPort(zfs, Set.copyOf(flags), false);
  }

  private SendRequest withFlags(SendRequest request) {
    Set<SendFlag> all = EnumSet.noneOf(SendFlag.class);
    all.addAll(flags);
    all.addAll(request.flags());
    if (rawWhenEncrypted && !all.contains(SendFlag.RAW) && zfs.encrypted(request.to().dataset())) {
      all.add(SendFlag.RAW);
    }
    return request.withFlags(all);
  }

  @Override
  public boolean encrypted(DatasetName dataset) {
    return zfs.encrypted(dataset);
  }

  @Override
  public SendProcess send(SendRequest request) {
    return zfs.send(withFlags(request));
  }

  @Override
  public OptionalLong estimateSendSize(SendRequest request) {
    return zfs.estimateSendSize(withFlags(request));
  }

  // ---- the rest, unchanged

  @Override
  public ZfsCapabilities capabilities() {
    return zfs.capabilities();
  }

  @Override
  public List<DatasetListing> list(Collection<DatasetName> roots, Set<String> userProperties) {
    return zfs.list(roots, userProperties);
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    zfs.setUserProperty(datasetOrSnapshot, property, value);
  }

  @Override
  public void inheritUserProperty(DatasetName dataset, String property) {
    zfs.inheritUserProperty(dataset, property);
  }

  @Override
  public void createFilesystem(
      DatasetName dataset, Map<String, String> properties, boolean parents) {
    zfs.createFilesystem(dataset, properties, parents);
  }

  @Override
  public void snapshot(Collection<DatasetName> datasets, String name) {
    zfs.snapshot(datasets, name);
  }

  @Override
  public void snapshotRecursive(DatasetName dataset, String name) {
    zfs.snapshotRecursive(dataset, name);
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    zfs.destroySnapshot(snapshot);
  }

  @Override
  public DestroyResult destroySnapshots(DatasetName filesystem, Collection<String> snapshots) {
    return zfs.destroySnapshots(filesystem, snapshots);
  }

  @Override
  public void hold(SnapshotName snapshot, String tag) {
    zfs.hold(snapshot, tag);
  }

  @Override
  public void release(SnapshotName snapshot, String tag) {
    zfs.release(snapshot, tag);
  }

  @Override
  public Map<SnapshotName, String> holdAll(String tag, Collection<SnapshotName> snapshots) {
    return zfs.holdAll(tag, snapshots);
  }

  @Override
  public Map<SnapshotName, String> releaseAll(String tag, Collection<SnapshotName> snapshots) {
    return zfs.releaseAll(tag, snapshots);
  }

  @Override
  public void holdRecursive(String tag, SnapshotName snapshot) {
    zfs.holdRecursive(tag, snapshot);
  }

  @Override
  public void releaseRecursive(String tag, SnapshotName snapshot) {
    zfs.releaseRecursive(tag, snapshot);
  }

  @Override
  public Holds holds(SnapshotName snapshot) {
    return zfs.holds(snapshot);
  }

  @Override
  public void bookmark(SnapshotName snapshot, String bookmark) {
    zfs.bookmark(snapshot, bookmark);
  }

  @Override
  public void destroyBookmark(DatasetName filesystem, String bookmark) {
    zfs.destroyBookmark(filesystem, bookmark);
  }

  @Override
  public void clone(SnapshotName origin, DatasetName clone, Map<String, String> properties) {
    zfs.clone(origin, clone, properties);
  }

  @Override
  public void destroyFilesystem(DatasetName dataset) {
    zfs.destroyFilesystem(dataset);
  }

  @Override
  public Map<DatasetName, Long> spaceUsed(Collection<DatasetName> roots) {
    return zfs.spaceUsed(roots);
  }

  @Override
  public ReceiveProcess receive(ReceiveRequest request) {
    return zfs.receive(request);
  }

  @Override
  public Optional<ResumeToken> resumeToken(DatasetName target) {
    return zfs.resumeToken(target);
  }

  @Override
  public SendProcess resumeSend(ResumeToken token) {
    return zfs.resumeSend(token);
  }

  @Override
  public Optional<ResumeToken> decodeResumeToken(String token) {
    return zfs.decodeResumeToken(token);
  }

  @Override
  public void abortResumableReceive(DatasetName target) {
    zfs.abortResumableReceive(target);
  }
}
