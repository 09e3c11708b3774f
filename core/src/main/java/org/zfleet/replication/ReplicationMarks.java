package org.zfleet.replication;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.endpoint.Sender;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.zfs.ZfsException;

/**
 * The names zfleet writes on a sender filesystem for one destination: the hold tag and user
 * property of its replication cursor, and those of a step in flight. A destination is named by the
 * replicating job and the receiving job (a sink, or a pull job with its node), so one filesystem
 * can serve several destinations without their cursors interfering.
 *
 * <p>The key of a pair is {@code job.destination} when neither name holds a '.', as zfleet has
 * always written it. Otherwise that form is ambiguous ({@code a.b}+{@code c} and {@code a}+{@code
 * b.c} would share it), and the key is {@code :<length of job>:job.destination}: it starts with
 * ':', which no job name does, so it never equals a key of the first form, and the length says
 * where the job name ends. Cursors written by earlier versions in the ambiguous form are still read
 * ({@link #cursorIn}) and retired once the new cursor is in place ({@link #retireLegacy}).
 */
public final class ReplicationMarks {

  private static final Logger log = LoggerFactory.getLogger(ReplicationMarks.class);

  /** Prefix of every property zfleet sets. */
  public static final String MODULE = "zfleet:";

  /** Prefix of every hold tag zfleet places. */
  public static final String HOLD_PREFIX = "zfleet_";

  /** One of the four names a pair writes; the wire names these instead of free-form text. */
  public enum Mark {
    CURSOR,
    STEP
  }

  private final String job;
  private final String destination;
  private final String key;

  private ReplicationMarks(String job, String destination, String key) {
    this.job = job;
    this.destination = destination;
    this.key = key;
  }

  /** {@code job} replicating to {@code destination}: both are job or node names. */
  public static ReplicationMarks of(String job, String destination) {
    requireName("job", job);
    requireName("destination", destination);
    boolean plain = job.indexOf('.') < 0 && destination.indexOf('.') < 0;
    String key =
        plain ? job + "." + destination : ":" + job.length() + ":" + job + "." + destination;
    return new ReplicationMarks(job, destination, key);
  }

  public String job() {
    return job;
  }

  public String destination() {
    return destination;
  }

  /** The part of every tag and property that names this pair. */
  public String destinationKey() {
    return key;
  }

  /**
   * The marks as versions before 0.2 wrote them for this pair ({@code job.destination} even when a
   * name holds a '.'), when they differ from the current ones.
   */
  public Optional<ReplicationMarks> legacy() {
    String old = job + "." + destination;
    return old.equals(key)
        ? Optional.empty()
        : Optional.of(new ReplicationMarks(job, destination, old));
  }

  /** The hold that keeps the cursor snapshot, the incremental base of the next step. */
  public String cursorHoldTag() {
    return HOLD_PREFIX + "cursor." + key;
  }

  /**
   * The name of the bookmark that is this pair's replication cursor where the ZFS has bookmarks
   * (zrepl's design): the cursor tag's name with the snapshot's guid in hex, so each cursor has its
   * own and a new one is made before the old one goes. The incremental base survives in it when a
   * person destroys the snapshot.
   */
  public String cursorBookmark(long guid) {
    return cursorBookmarkPrefix() + String.format("%016x", guid);
  }

  /** Whether {@code bookmark} (a short name) is one of this pair's cursor bookmarks. */
  public boolean isCursorBookmark(String bookmark) {
    String prefix = cursorBookmarkPrefix();
    return bookmark.length() == prefix.length() + 16
        && bookmark.startsWith(prefix)
        && bookmark.substring(prefix.length()).chars().allMatch(ReplicationMarks::isHexDigit);
  }

  private String cursorBookmarkPrefix() {
    return cursorHoldTag() + "_";
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /** The hold on the snapshots a step is sending, released when it ends. */
  public String stepHoldTag() {
    return HOLD_PREFIX + "step." + key;
  }

  /** Filesystem property holding the cursor snapshot's guid. */
  public String cursorProperty() {
    return MODULE + "cursor." + propertySafe(key);
  }

  /** Filesystem property naming the snapshots a step holds, so a crashed step's holds are found. */
  public String stepProperty() {
    return MODULE + "step." + propertySafe(key);
  }

  public String holdTag(Mark mark) {
    return mark == Mark.CURSOR ? cursorHoldTag() : stepHoldTag();
  }

  public String property(Mark mark) {
    return mark == Mark.CURSOR ? cursorProperty() : stepProperty();
  }

  /** The mark {@code tag} is, if it is one of this pair's hold tags. */
  public Optional<Mark> holdTagMark(String tag) {
    for (Mark mark : Mark.values()) {
      if (holdTag(mark).equals(tag)) {
        return Optional.of(mark);
      }
    }
    return Optional.empty();
  }

  /** The mark {@code property} is, if it is one of this pair's properties. */
  public Optional<Mark> propertyMark(String property) {
    for (Mark mark : Mark.values()) {
      if (property(mark).equals(property)) {
        return Optional.of(mark);
      }
    }
    return Optional.empty();
  }

  /** The user properties a listing must ask for: this pair's, and the legacy ones. */
  public Set<String> listedProperties() {
    Set<String> names = new LinkedHashSet<>(List.of(cursorProperty(), stepProperty()));
    legacy().ifPresent(old -> names.addAll(List.of(old.cursorProperty(), old.stepProperty())));
    return names;
  }

  /** The cursor among a filesystem's listed properties: this pair's own, else the legacy one. */
  public Optional<String> cursorIn(Map<String, String> properties) {
    String value = properties.get(cursorProperty());
    if (value == null) {
      value = legacy().map(old -> properties.get(old.cursorProperty())).orElse(null);
    }
    return Optional.ofNullable(value);
  }

  /** The legacy marks among a filesystem's listed properties (property name to value). */
  public Map<String, String> legacyIn(Map<String, String> properties) {
    Map<String, String> found = new LinkedHashMap<>();
    legacy()
        .ifPresent(
            old -> {
              for (String name : List.of(old.cursorProperty(), old.stepProperty())) {
                String value = properties.get(name);
                if (value != null) {
                  found.put(name, value);
                }
              }
            });
    return found;
  }

  /**
   * Once this pair's cursor is written in the current form, removes what an earlier version left in
   * the legacy form on {@code fs}: the cursor hold on the snapshot its property names, the step
   * holds on the snapshots its step property names, and both properties. Failures are logged and
   * left for the next time; nothing here is needed for correctness.
   */
  public void retireLegacy(
      Sender sender,
      DatasetName fs,
      Map<String, String> listedProperties,
      List<FilesystemVersion> versions) {
    Optional<ReplicationMarks> legacy = legacy();
    if (legacy.isEmpty()) {
      return;
    }
    ReplicationMarks old = legacy.get();
    String cursor = listedProperties.get(old.cursorProperty());
    String step = listedProperties.get(old.stepProperty());
    if (cursor == null && step == null) {
      return;
    }
    try {
      if (cursor != null) {
        for (FilesystemVersion v : versions) {
          if (v.isSnapshot() && Long.toUnsignedString(v.guid()).equals(cursor.strip())) {
            sender.release(fs.snapshot(v.name()), old.cursorHoldTag());
          }
        }
        sender.inheritUserProperty(fs, old.cursorProperty());
      }
      if (step != null) {
        for (String name : step.split(",")) {
          if (!name.isBlank()) {
            sender.release(fs.snapshot(name.strip()), old.stepHoldTag());
          }
        }
        sender.inheritUserProperty(fs, old.stepProperty());
      }
      log.info(
          "retired legacy replication marks fs=\"{}\" legacy_key={} key={}",
          fs,
          old.destinationKey(),
          key);
    } catch (ZfsException | IllegalArgumentException e) {
      log.warn(
          "could not retire legacy replication marks fs=\"{}\" legacy_key={} reason=\"{}\"",
          fs,
          old.destinationKey(),
          e.getMessage());
    }
  }

  /**
   * User property names allow lower-case letters only; a key with upper case gets a short hash so
   * two keys differing only in case do not share a property.
   */
  static String propertySafe(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (lower.equals(key)) {
      return key;
    }
    return lower + "-" + Integer.toHexString(key.hashCode() & 0xfffff);
  }

  private static void requireName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty()
        || !Character.isLetterOrDigit(name.charAt(0))
        || !name.chars().allMatch(ReplicationMarks::allowedInName)) {
      throw new IllegalArgumentException("invalid " + what + " name in marks: \"" + name + "\"");
    }
  }

  private static boolean allowedInName(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.'
        || c == ':';
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicationMarks other && other.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "marks(" + key + ")";
  }
}
