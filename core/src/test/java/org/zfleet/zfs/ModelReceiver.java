package org.zfleet.zfs;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;

/**
 * Applies a {@link ModelStream} to {@link InMemoryZfs} by the rules zfs-fuse follows (measured, see
 * the contract suite): a full stream makes a new filesystem, or replaces one without snapshots when
 * forced; an incremental stream needs its base to be the target's newest snapshot (zfleet's receive
 * guard) and no change since ({@code -F} only discards changes made after the latest snapshot).
 * Substreams are applied one by one: those before a damaged one stay.
 */
final class ModelReceiver {

  private final InMemoryZfs zfs;
  private final ReceiveRequest request;
  private final String target;

  private ModelReceiver(InMemoryZfs zfs, ReceiveRequest request) {
    this.zfs = zfs;
    this.request = request;
    this.target = request.target().value();
  }

  /** Called under the model's lock; returns the error, or null when all of it was received. */
  static ZfsException apply(InMemoryZfs zfs, ReceiveRequest request, byte[] stream) {
    ModelReceiver receiver = new ModelReceiver(zfs, request);
    ModelDataset ds = zfs.find(request.target());
    ModelResume.Partial partial = ds == null ? null : ds.partial;
    if (ModelResume.isResumeStream(stream)) {
      byte[] whole;
      try {
        whole = ModelResume.continued(receiver.target, partial, stream);
      } catch (ZfsException e) {
        return e;
      }
      return receiver.resume(ds, partial, whole);
    }
    if (partial != null) {
      ModelStream.Header first = ModelStream.header(stream, 0).orElse(null);
      if (first != null && first.fromGuid() == 0 && !request.force()) {
        return ModelErrors.exists(
            "receive",
            receiver.target,
            "cannot receive new filesystem stream: destination '"
                + receiver.target
                + "' exists; must specify -F to overwrite it");
      }
      return ModelResume.partialState(receiver.target);
    }
    return receiver.apply(stream, ModelStream.decode(stream));
  }

  /** Completes a partial receive with its whole substream. */
  private ZfsException resume(ModelDataset ds, ModelResume.Partial partial, byte[] whole) {
    ds.partial = null;
    if (partial.created()) {
      // The filesystem the interrupted receive made is received into as a new one.
      zfs.destroyRecursive(ds.name);
    }
    return apply(whole, ModelStream.decode(whole));
  }

  private ZfsException apply(byte[] stream, ModelStream.Decoded decoded) {
    boolean existed = zfs.find(request.target()) != null;
    for (ModelStream.Substream s : decoded.substreams()) {
      ZfsException error = s.fromGuid() == 0 ? full(s) : incremental(s);
      if (error != null) {
        return error;
      }
    }
    if (decoded.error().isPresent()) {
      if (request.resumable()) {
        ZfsException saved = savePartial(stream, decoded.failedAt());
        if (saved != null) {
          return saved;
        }
      }
      String kind = decoded.substreams().isEmpty() ? "cannot receive: " : "";
      return ModelErrors.stream("receive", target, kind + decoded.error().get());
    }
    if (!existed || request.force()) {
      zfs.find(request.target()).localProperties.putAll(request.properties());
    }
    return null;
  }

  /**
   * Keeps what arrived of the substream starting at {@code at}, as {@code receive -s} does once the
   * stream's first record named the snapshot; the error to report, or null if nothing could be
   * kept.
   */
  private ZfsException savePartial(byte[] stream, int at) {
    ModelStream.Header h = ModelStream.header(stream, at).orElse(null);
    if (h == null) {
      return null;
    }
    byte[] received = java.util.Arrays.copyOfRange(stream, at, stream.length);
    ModelDataset ds = zfs.find(request.target());
    if (h.fromGuid() == 0) {
      if (ds != null) {
        return null;
      }
      DatasetName parent = request.target().parent().orElse(null);
      if (parent == null || zfs.find(parent) == null) {
        return null;
      }
      ds = zfs.createDataset(request.target());
      ds.partial = new ModelResume.Partial(0, h.toGuid(), h.toName(), received, true);
      return ModelResume.saved(target, "new filesystem");
    }
    if (ds == null || ds.snapshotByGuid(h.fromGuid()).isEmpty()) {
      return null;
    }
    ds.partial = new ModelResume.Partial(h.fromGuid(), h.toGuid(), h.toName(), received, false);
    return ModelResume.saved(target, "incremental");
  }

  private ZfsException full(ModelStream.Substream s) {
    ModelDataset ds = zfs.find(request.target());
    if (ds != null) {
      if (!request.force()) {
        return ModelErrors.exists(
            "receive",
            target,
            "cannot receive new filesystem stream: destination '"
                + target
                + "' exists; must specify -F to overwrite it");
      }
      if (!ds.snapshots.isEmpty()) {
        return ModelErrors.exists(
            "receive",
            target,
            "cannot receive new filesystem stream: destination has snapshots (eg. "
                + target
                + "@"
                + ds.snapshots.get(0).name
                + "); must destroy them to overwrite it");
      }
    } else {
      DatasetName parent = request.target().parent().orElse(null);
      if (parent == null || zfs.find(parent) == null) {
        return ModelErrors.notFound("receive", target, target);
      }
      ds = zfs.createDataset(request.target());
    }
    receiveSnapshot(ds, s);
    return null;
  }

  private ZfsException incremental(ModelStream.Substream s) {
    ModelDataset ds = zfs.find(request.target());
    if (ds == null) {
      return new ZfsException.NotFound(
          "zfs receive "
              + target
              + ": cannot receive incremental stream: destination '"
              + target
              + "' does not exist",
          java.util.List.of(),
          "");
    }
    ModelSnapshot newest = ds.latest().orElse(null);
    if (newest != null
        && newest.guid != s.fromGuid()
        && ds.snapshotByGuid(s.fromGuid()).isPresent()) {
      // zfleet's receive guard: a snapshot made on the target since the base is a conflict.
      return ModelErrors.stream(
          "receive",
          target,
          "refused, snapshots were made on "
              + target
              + " after the stream's base: @"
              + newest.name
              + "; a conflict, zfleet does not destroy them");
    }
    if (ds.modifiedSinceLatest()) {
      if (!request.force()) {
        return ModelErrors.stream(
            "receive",
            target,
            "cannot receive incremental stream: "
                + "destination "
                + target
                + " has been modified since most recent snapshot");
      }
      ds.resetTo(ds.latest().orElseThrow());
    }
    ModelSnapshot base = ds.snapshotByGuid(s.fromGuid()).orElse(null);
    ModelSnapshot latest = ds.latest().orElse(null);
    if (base == null || latest == null || latest.writeGen != base.writeGen) {
      return ModelErrors.stream(
          "receive",
          target,
          "cannot receive incremental stream: "
              + "most recent snapshot of "
              + target
              + " does not match incremental source");
    }
    if (ds.snapshot(s.toName()).isPresent() || ds.snapshotByGuid(s.toGuid()).isPresent()) {
      return ModelErrors.exists(
          "receive", target, "cannot receive incremental stream: destination already exists");
    }
    receiveSnapshot(ds, s);
    return null;
  }

  private void receiveSnapshot(ModelDataset ds, ModelStream.Substream s) {
    ds.files = new TreeMap<>(s.files());
    ds.writeGen = zfs.newWriteGen();
    long txg = zfs.nextTxg(ds.name.pool());
    Map<String, byte[]> files = ds.files;
    ds.snapshots.add(
        new ModelSnapshot(
            s.toName(),
            s.toGuid(),
            txg,
            Instant.ofEpochSecond(s.creationEpochSecond()),
            files,
            ds.writeGen));
  }
}
