package org.zfleet.cycle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.plan.Step;

/**
 * What a replication step did, for the filesystem's state after it: the plan steps it completed (in
 * order) and where it left the destination's cursor. A cycle goes on from this rather than from its
 * listing, which predates the step.
 */
public record ReplicationEffect(
    String destination, List<Step> done, Optional<FilesystemVersion> cursor) {
  public ReplicationEffect {
    Objects.requireNonNull(destination, "destination");
    done = List.copyOf(done);
    Objects.requireNonNull(cursor, "cursor");
  }
}
