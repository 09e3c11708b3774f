package org.zfleet.node.health;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.node.daemon.Json;

/**
 * {@code <data-dir>/freshness.json}: each replica's newest snapshot and last successful
 * replication, written by the daemon as they change (to a temporary file, synced, then renamed over
 * the old one, so a crash leaves the old or the new file, never half of one) and read at start and
 * by {@code zfleet check freshness} when no daemon runs.
 */
public final class FreshnessStateFile {

  public static final String NAME = "freshness.json";
  private static final Logger log = LoggerFactory.getLogger(FreshnessStateFile.class);

  /** The file's content. */
  public record State(int version, List<ReplicaRecord> replicas) {}

  private final Path file;
  private final ObjectMapper json =
      Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public FreshnessStateFile(Path dataDir) {
    this.file = dataDir.resolve(NAME);
  }

  public Path path() {
    return file;
  }

  /** What the file holds; empty when it does not exist. Throws if it cannot be read or parsed. */
  public List<ReplicaRecord> read() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    State state = json.readValue(file.toFile(), new TypeReference<State>() {});
    return state.replicas() == null ? List.of() : state.replicas();
  }

  /** {@link #read()}, or empty with a warning when the file is unreadable (the daemon starts). */
  public List<ReplicaRecord> readOrEmpty() {
    try {
      return read();
    } catch (IOException | RuntimeException e) {
      log.warn(
          "freshness state not read, starting without it file={} reason=\"{}\"",
          file,
          e.getMessage());
      return List.of();
    }
  }

  /** Replaces the file atomically with {@code replicas}. */
  public void write(List<ReplicaRecord> replicas) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(NAME + ".tmp");
    Files.write(
        tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(new State(1, replicas)));
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
