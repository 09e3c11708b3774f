package org.zfleet.replication;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.zfleet.model.FilesystemVersion;

/**
 * Where this cycle's replication steps of one filesystem moved each destination's cursor, so the
 * sender pruning that runs after them judges by the cursor as it now stands rather than as the
 * cycle's listing saw it (on a first replication the listing has no cursor at all).
 */
public final class CursorBoard {

  private final Map<String, FilesystemVersion> moved = new ConcurrentHashMap<>();

  public void moved(String destination, FilesystemVersion to) {
    moved.put(destination, to);
  }

  public Optional<FilesystemVersion> movedTo(String destination) {
    return Optional.ofNullable(moved.get(destination));
  }
}
