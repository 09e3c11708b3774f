package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.Step;

/**
 * What a replication step did, for the filesystem's state after it: the plan steps it completed (in
 * order), where it left the destination's cursor and, where the cursor is a bookmark, the cursor
 * bookmark it left (the destination's only one: the step destroyed the older ones). A cycle goes on
 * from this rather than from its listing, which predates the step.
 */
public record ReplicationEffect(
    String destination,
    List<Step> done,
    Optional<FilesystemVersion> cursor,
    Optional<FilesystemVersion> cursorBookmark) {
  public ReplicationEffect {
    Objects.requireNonNull(destination, "destination");
    done = List.copyOf(done);
    Objects.requireNonNull(cursor, "cursor");
    Objects.requireNonNull(cursorBookmark, "cursorBookmark");
    if (cursorBookmark.isPresent() && cursorBookmark.get().isSnapshot()) {
      throw new IllegalArgumentException("a cursor bookmark, not " + cursorBookmark.get());
    }
  }

  /** An effect where the cursor is a held snapshot. */
  public ReplicationEffect(
      String destination, List<Step> done, Optional<FilesystemVersion> cursor) {
    this(destination, done, cursor, Optional.empty());
  }
}
