package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.List;
import org.zfleet.model.FilesystemVersion;

/** Builds the substreams of a send from {@link InMemoryZfs}, refusing as zfs send would. */
final class ModelSender {

  private ModelSender() {}

  /** Called under the model's lock. */
  static List<ModelStream.Substream> substreams(InMemoryZfs zfs, SendRequest request) {
    String subject = request.to().full();
    ModelDataset ds = zfs.find(request.to().dataset());
    ModelSnapshot to = ds == null ? null : ds.snapshot(request.to().name()).orElse(null);
    if (to == null) {
      throw new ZfsException.NotFound(
          "zfs send " + subject + ": could not send " + subject + ": does not exist",
          List.of(),
          "");
    }
    if (request.from().isEmpty()) {
      return List.of(substream(0, to));
    }
    FilesystemVersion from = request.from().get();
    long fromGuid;
    long fromTxg;
    if (from.kind() == FilesystemVersion.Kind.SNAPSHOT) {
      ModelSnapshot base = ds.snapshot(from.name()).orElseThrow(() -> missingSource(subject, from));
      fromGuid = base.guid;
      fromTxg = base.createTxg;
    } else {
      FilesystemVersion base =
          ds.bookmark(from.name()).orElseThrow(() -> missingSource(subject, from));
      fromGuid = base.guid();
      fromTxg = base.createTxg();
    }
    if (fromTxg >= to.createTxg) {
      throw ModelErrors.stream(
          "send",
          subject,
          "warning: cannot send '" + subject + "': not an earlier snapshot from the same fs");
    }
    if (request.mode() == SendRequest.Mode.INCREMENTAL) {
      return List.of(substream(fromGuid, to));
    }
    List<ModelStream.Substream> out = new ArrayList<>();
    long previous = fromGuid;
    for (ModelSnapshot s : ds.snapshots) {
      if (s.createTxg > fromTxg && s.createTxg <= to.createTxg) {
        out.add(substream(previous, s));
        previous = s.guid;
      }
    }
    return out;
  }

  static ModelStream.Substream substream(long fromGuid, ModelSnapshot s) {
    return new ModelStream.Substream(
        fromGuid, s.guid, s.name, s.creation.getEpochSecond(), s.files);
  }

  private static ZfsException missingSource(String subject, FilesystemVersion from) {
    return new ZfsException.NotFound(
        "zfs send " + subject + ": incremental source (" + from.relativeName() + ") does not exist",
        List.of(),
        "");
  }
}
