package org.zfleet.plan;

import java.util.Objects;
import org.zfleet.model.FilesystemVersion;

/**
 * The newest version both sides share, by guid: the base of the next incremental step, which
 * pruning must never destroy on either side. {@code onSender} is a snapshot when the sender still
 * has one with that guid, otherwise a bookmark; {@code onReceiver} is always a snapshot.
 */
public record CommonBase(FilesystemVersion onSender, FilesystemVersion onReceiver) {
  public CommonBase {
    Objects.requireNonNull(onSender, "onSender");
    Objects.requireNonNull(onReceiver, "onReceiver");
    if (onSender.guid() != onReceiver.guid()) {
      throw new IllegalArgumentException(
          "common base " + onSender + " and " + onReceiver + " have different guids");
    }
    if (!onReceiver.isSnapshot()) {
      throw new IllegalArgumentException(
          "the receiver side of a common base must be a snapshot, not " + onReceiver);
    }
  }

  public long guid() {
    return onSender.guid();
  }
}
