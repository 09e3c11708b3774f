package org.zfleet.replication;

import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.StepControl;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.ZfsException;

/**
 * The holds and marks a replication keeps on its sender: the cursor's hold and property, and the
 * holds of a step in flight, released again by the next attempt if a step crashed.
 */
final class CursorHolds {

  private static final Logger log = LoggerFactory.getLogger(CursorHolds.class);

  private final Sender sender;
  private final ReplicationPlan plan;
  private final ReplicationMarks marks;
  private boolean lostCursorReleased;
  private boolean legacyRetired;

  CursorHolds(Sender sender, ReplicationPlan plan, ReplicationMarks marks) {
    this.sender = sender;
    this.plan = plan;
    this.marks = marks;
  }

  /**
   * Holds the new cursor snapshot, records its guid, then lets the old one go; marks an earlier
   * version left in the legacy form are retired once the cursor is written in the current one.
   */
  void moveCursor(OptionalLong previous, FilesystemVersion to) {
    DatasetName fs = plan.source();
    hold(fs.snapshot(to.name()), marks.cursorHoldTag());
    sender.setUserProperty(fs.value(), marks.cursorProperty(), Long.toUnsignedString(to.guid()));
    retireLegacy();
    Optional<FilesystemVersion> old =
        plan.senderVersions().stream()
            .filter(v -> v.isSnapshot() && previous.isPresent() && v.guid() == previous.getAsLong())
            .findFirst();
    if (old.isPresent() && old.get().guid() != to.guid()) {
      releaseQuietly(fs.snapshot(old.get().name()), marks.cursorHoldTag());
    } else if (old.isEmpty() && !lostCursorReleased && plan.receiverHadSnapshots()) {
      releaseLostCursorHolds(to);
    }
  }

  /**
   * Records the cursor's guid: its snapshot is held already (the job's prepare step); marks left in
   * the legacy form are retired once it is written.
   */
  void recordCursor(FilesystemVersion to) {
    sender.setUserProperty(
        plan.source().value(), marks.cursorProperty(), Long.toUnsignedString(to.guid()));
    retireLegacy();
  }

  private void retireLegacy() {
    if (!legacyRetired) {
      legacyRetired = true;
      marks.retireLegacy(sender, plan.source(), plan.legacyMarks(), plan.senderVersions());
    }
  }

  /**
   * The cursor property was lost (removed by hand, or never written after a crash) while the
   * receiver already had snapshots: its hold may still sit on an older snapshot, where it would
   * keep that snapshot from pruning for ever. Holds cannot be listed on every ZFS, so the tag is
   * released from every other snapshot; releasing a tag that is not there does nothing. This is
   * rare, never done on a first replication.
   */
  private void releaseLostCursorHolds(FilesystemVersion to) {
    lostCursorReleased = true;
    DatasetName fs = plan.source();
    int released = 0;
    for (FilesystemVersion v : plan.senderVersions()) {
      if (v.isSnapshot() && v.guid() != to.guid()) {
        releaseQuietly(fs.snapshot(v.name()), marks.cursorHoldTag());
        released++;
      }
    }
    log.info(
        "replication cursor was missing; released its hold tag fs=\"{}\" tag={} snapshots={}",
        fs,
        marks.cursorHoldTag(),
        released);
  }

  /**
   * A crashed step may have left holds; its property names them. It may also have died while moving
   * the cursor between the snapshots it names (after the new cursor was recorded, before the old
   * one's hold went): the cursor's hold comes off whichever of them is not the cursor now, or it
   * would keep that snapshot from pruning for ever.
   */
  void releaseStaleStepHolds(StepControl control) {
    if (plan.staleStepHolds().isEmpty()) {
      return;
    }
    control.progress().phase("releasing holds of an interrupted step");
    for (String name : plan.staleStepHolds()) {
      try {
        SnapshotName snapshot = plan.source().snapshot(name);
        releaseQuietly(snapshot, marks.stepHoldTag());
        if (notTheCursor(name)) {
          releaseQuietly(snapshot, marks.cursorHoldTag());
        }
      } catch (IllegalArgumentException e) {
        log.warn(
            "ignoring malformed step mark fs=\"{}\" value=\"{}\"",
            plan.source(),
            String.join(",", plan.staleStepHolds()));
      }
    }
    sender.inheritUserProperty(plan.source(), marks.stepProperty());
    log.info(
        "released stale step holds fs=\"{}\" snapshots=\"{}\"",
        plan.source(),
        String.join(",", plan.staleStepHolds()));
  }

  /** Only with a recorded cursor: without one, {@link #releaseLostCursorHolds} takes care. */
  private boolean notTheCursor(String name) {
    OptionalLong cursor = plan.cursorGuid();
    return cursor.isPresent()
        && plan.senderVersions().stream()
            .anyMatch(
                v -> v.isSnapshot() && v.name().equals(name) && v.guid() != cursor.getAsLong());
  }

  void hold(SnapshotName snapshot, String tag) {
    try {
      sender.hold(snapshot, tag);
    } catch (ZfsException.AlreadyExists e) {
      // Held by an earlier attempt: the hold is what we want.
    }
  }

  void releaseQuietly(SnapshotName snapshot, String tag) {
    try {
      sender.release(snapshot, tag);
    } catch (ZfsException.NotFound e) {
      // The snapshot is gone: nothing is held.
    } catch (ZfsException e) {
      log.warn(
          "could not release hold fs=\"{}\" tag={} reason=\"{}\"", snapshot, tag, e.getMessage());
    }
  }
}
