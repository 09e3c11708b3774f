package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.zfs.SendStreamInspector.StreamStart;

/**
 * Decides, on the receiving node and whoever asked, whether a stream may go into its target, and
 * what the target needs afterwards to stay inert. Pure: the stream's start and the target as it is
 * now come in, a refusal or nothing comes out.
 *
 * <ul>
 *   <li>An incremental stream needs an existing target (zfs-fuse would otherwise look the base up
 *       by guid anywhere in the pool and apply the stream to whatever filesystem holds it).
 *   <li>An incremental stream goes only on top of the target's newest snapshot: a snapshot made on
 *       the receiver since the base is a conflict, never destroyed (with {@code -F} zfs would).
 *   <li>A full stream with {@code -F} goes only into a dataset without snapshots (an empty
 *       placeholder, as zfleet makes them): no snapshot is ever overwritten.
 * </ul>
 */
final class ReceiveGuard {

  /** The properties every replica has after a receive, with their values. */
  static final Map<String, String> INERT = inert();

  private ReceiveGuard() {}

  private static Map<String, String> inert() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("canmount", "noauto");
    m.put("readonly", "on");
    m.put("setuid", "off");
    m.put("exec", "off");
    m.put("devices", "off");
    return Collections.unmodifiableMap(m);
  }

  /** Why the stream may not go into {@code target}, or empty if it may. */
  static Optional<ZfsException> check(
      String name, StreamStart stream, ReceiveTarget target, boolean force) {
    List<String> command = List.of();
    if (!target.exists()) {
      if (stream.incremental()) {
        return Optional.of(
            new ZfsException.NotFound(
                "zfs receive "
                    + name
                    + ": an incremental stream needs an existing target, and "
                    + name
                    + " does not exist",
                command,
                ""));
      }
      return Optional.empty();
    }
    if (!stream.incremental()) {
      if (!force) {
        return Optional.empty(); // zfs says the target exists
      }
      if (!target.snapshots().isEmpty()) {
        return Optional.of(
            new ZfsException.PermissionDenied(
                "zfs receive -F "
                    + name
                    + ": refused, a full stream overwrites only a dataset without snapshots (an"
                    + " empty placeholder), and "
                    + name
                    + " has "
                    + target.snapshots().size(),
                command,
                ""));
      }
      return Optional.empty();
    }
    Optional<ReceiveTarget.Snapshot> newest = target.newest();
    if (newest.isPresent() && newest.get().guid() == stream.fromGuid()) {
      return Optional.empty();
    }
    List<String> newer = new ArrayList<>();
    boolean baseFound = false;
    for (ReceiveTarget.Snapshot s : target.snapshots()) {
      if (baseFound) {
        newer.add("@" + s.name());
      }
      baseFound |= s.guid() == stream.fromGuid();
    }
    String why =
        baseFound
            ? "snapshots were made on "
                + name
                + " after the stream's base: "
                + String.join(", ", newer)
                + "; a conflict, zfleet does not destroy them"
            : name
                + " has no snapshot with the stream's base (guid "
                + Long.toUnsignedString(stream.fromGuid())
                + ")";
    return Optional.of(
        new ZfsException.StreamFailed("zfs receive " + name + ": refused, " + why, command, ""));
  }

  /** Whether {@code target} is a replica as receives leave it: nothing to fix, nothing mounted. */
  static boolean inert(ReceiveTarget target) {
    return target.exists() && fixes(target).isEmpty() && !target.writableMount();
  }

  /**
   * What to change on an existing target after an incremental receive so that it is inert: each
   * property of {@link #INERT} that is not so (a former placeholder's {@code canmount=off} stays),
   * and a mountpoint set on the target itself, which is inherited instead (value null).
   */
  static Map<String, String> fixes(ReceiveTarget target) {
    Map<String, String> fixes = new LinkedHashMap<>();
    INERT.forEach(
        (property, wanted) -> {
          ReceiveTarget.Value now = target.properties().get(property);
          String value = now == null ? "" : now.value();
          boolean ok = value.equals(wanted) || (property.equals("canmount") && value.equals("off"));
          if (!ok) {
            fixes.put(property, wanted);
          }
        });
    ReceiveTarget.Value mountpoint = target.properties().get("mountpoint");
    if (mountpoint != null
        && (mountpoint.source().equals("local") || mountpoint.source().equals("received"))) {
      fixes.put("mountpoint", null);
    }
    return fixes;
  }
}
