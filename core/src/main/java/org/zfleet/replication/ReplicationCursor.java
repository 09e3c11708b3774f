package org.zfleet.replication;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.cycle.ReplicationPlan;
import org.zfleet.endpoint.Sender;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.ZfsException;

/**
 * One destination's replication cursor on the sender, moved as the steps of a replication complete:
 * the guid of the snapshot the destination has last received, in the cursor property, and what
 * keeps that snapshot's data available as the next incremental base.
 *
 * <p>Where the sender keeps cursor bookmarks (a ZFS with bookmarks, on this node: zrepl's design),
 * that is a bookmark named after the destination ({@link ReplicationMarks#cursorBookmark}), made
 * before the older ones of the destination are destroyed; the base survives a person destroying the
 * snapshot, and the snapshots a step sends are held only while it runs (a prepared cycle's holds
 * are released here once the cursor has passed them). Elsewhere (zfs-fuse, a sender on another
 * node) the cursor snapshot itself stays held under the cursor tag until the cursor moves on.
 */
final class ReplicationCursor {

  private static final Logger log = LoggerFactory.getLogger(ReplicationCursor.class);

  private final Sender sender;
  private final ReplicationPlan plan;
  private final ReplicationMarks marks;
  private final CursorHolds holds;
  private final boolean bookmarks;

  /** The cursor as it stands: from the listing, then wherever this step moved it. */
  private OptionalLong cursor;

  private Optional<FilesystemVersion> movedTo = Optional.empty();
  private Optional<FilesystemVersion> bookmark = Optional.empty();

  /** This destination's cursor bookmarks that go once a newer one exists. */
  private final List<String> older = new ArrayList<>();

  ReplicationCursor(
      Sender sender, ReplicationPlan plan, ReplicationMarks marks, CursorHolds holds) {
    this.sender = sender;
    this.plan = plan;
    this.marks = marks;
    this.holds = holds;
    this.bookmarks = sender.keepsCursorBookmarks();
    this.cursor = plan.cursorGuid();
    plan.cursorBookmarks().forEach(b -> older.add(b.name()));
  }

  /** Where this step moved the cursor, if it did. */
  Optional<FilesystemVersion> movedTo() {
    return movedTo;
  }

  /** The cursor bookmark this step made, if it made one. */
  Optional<FilesystemVersion> bookmark() {
    return bookmark;
  }

  /**
   * Moves the cursor to {@code to}, a snapshot the destination has just received (or, healing, one
   * it has). With bookmarks: bookmark it, record its guid, destroy the older cursor bookmarks.
   * Without: hold it, record its guid, let the old one go (in a prepared cycle the job holds and
   * releases, and only the guid is recorded here).
   */
  void moveTo(FilesystemVersion to) {
    if (!bookmarks) {
      if (plan.preparedByJob()) {
        holds.recordCursor(to);
      } else {
        holds.moveCursor(cursor, to);
      }
    } else {
      String made = bookmark(to);
      holds.recordCursor(to);
      if (movedTo.isEmpty() && !plan.preparedByJob() && !plan.cursorBookmarked()) {
        releaseHeldCursor();
      }
      destroyOlderThan(made);
    }
    cursor = OptionalLong.of(to.guid());
    movedTo = Optional.of(to);
  }

  /**
   * When the cursor is a bookmark and its snapshot is still there but not bookmarked (a cursor an
   * earlier version held, or a bookmark a person destroyed), bookmarks it, so its hold can go.
   */
  void bookmarkIfMissing() {
    if (!bookmarks || cursor.isEmpty() || plan.cursorBookmarked() || movedTo.isPresent()) {
      return;
    }
    long guid = cursor.getAsLong();
    plan.senderVersions().stream()
        .filter(v -> v.isSnapshot() && v.guid() == guid)
        .findFirst()
        .ifPresent(this::moveTo);
  }

  /**
   * In a prepared cycle with cursor bookmarks: releases the cursor tag from the snapshots the job
   * held for this replication that the cursor has reached (all of them after a success); those
   * beyond stay held for the next attempt, whose prepare step releases what is left.
   */
  void releasePreparedHolds() {
    if (!bookmarks || !plan.preparedByJob() || movedTo.isEmpty()) {
      return;
    }
    long txg = movedTo.get().createTxg();
    List<SnapshotName> passed =
        plan.toHold().stream()
            .filter(v -> v.createTxg() <= txg)
            .map(v -> plan.source().snapshot(v.name()))
            .toList();
    if (passed.isEmpty()) {
      return;
    }
    try {
      sender
          .releaseAll(marks.cursorHoldTag(), passed)
          .forEach((s, why) -> releaseFailed(s.toString(), why));
    } catch (ZfsException e) {
      // Called while a failure may be on its way out: never hide it behind this one.
      releaseFailed(passed.toString(), e.getMessage());
    }
  }

  private void releaseFailed(String snapshots, String why) {
    log.warn(
        "could not release hold snapshot=\"{}\" tag={} reason=\"{}\" (tried again next cycle)",
        snapshots,
        marks.cursorHoldTag(),
        why);
  }

  private String bookmark(FilesystemVersion to) {
    String name = marks.cursorBookmark(to.guid());
    try {
      sender.bookmark(plan.source().snapshot(to.name()), name);
    } catch (ZfsException.AlreadyExists e) {
      // Made by an earlier attempt: it marks the same snapshot (its name holds the guid).
    }
    bookmark =
        Optional.of(FilesystemVersion.bookmark(name, to.guid(), to.createTxg(), to.creation()));
    return name;
  }

  /** The destination's other cursor bookmarks; one that cannot go is left to the next step. */
  private void destroyOlderThan(String kept) {
    DatasetName fs = plan.source();
    for (Iterator<String> it = older.iterator(); it.hasNext(); ) {
      String name = it.next();
      if (name.equals(kept)) {
        continue;
      }
      try {
        sender.destroyBookmark(fs, name);
        it.remove();
      } catch (ZfsException.NotFound e) {
        it.remove();
      } catch (ZfsException e) {
        log.warn(
            "could not destroy old cursor bookmark fs=\"{}\" bookmark={} reason=\"{}\"",
            fs,
            name,
            e.getMessage());
      }
    }
    if (!older.contains(kept)) {
      older.add(kept);
    }
  }

  /** The first move to a bookmark: the snapshot an earlier cursor held needs its hold no more. */
  private void releaseHeldCursor() {
    if (cursor.isEmpty()) {
      return;
    }
    long guid = cursor.getAsLong();
    plan.senderVersions().stream()
        .filter(v -> v.isSnapshot() && v.guid() == guid)
        .findFirst()
        .ifPresent(
            v -> holds.releaseQuietly(plan.source().snapshot(v.name()), marks.cursorHoldTag()));
  }
}
