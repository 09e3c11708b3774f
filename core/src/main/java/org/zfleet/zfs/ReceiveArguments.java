package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The arguments of every {@code zfs receive}: always {@code -u} (nothing received is mounted), and
 * {@code -F} only when asked; where this ZFS has {@code receive -o/-x} (OpenZFS, not zfs-fuse), the
 * replica's inert properties and the request's own go on as {@code -o} and the mountpoint is taken
 * from the parent ({@code -x mountpoint}), all in the receive's own transaction.
 */
final class ReceiveArguments {

  // OpenZFS: "receive [-FhMnsuv] [-o <property>=<value>] ... [-x <property>] ... <filesystem>";
  // zfs-fuse: "receive [-vnF] <filesystem|volume|snapshot>".
  private static final Pattern PROPERTY_OVERRIDES =
      Pattern.compile("(?m)^\\s*(receive|recv)\\s.*\\[-o\\s");

  private ReceiveArguments() {}

  /** True if the usage text shows {@code receive -o}. */
  static boolean overridesProperties(String usage) {
    return PROPERTY_OVERRIDES.matcher(usage).find();
  }

  /**
   * @param properties set on the target at the receive, with {@link ReceiveGuard#INERT}, when
   *     {@code overrides}
   */
  static List<String> of(
      String target, boolean force, boolean overrides, Map<String, String> properties) {
    return of(target, force, overrides, properties, true);
  }

  /**
   * @param replica false for an operator's restore: only the request's own properties go on as
   *     {@code -o}, nothing is made inert and the mountpoint is left as received
   */
  static List<String> of(
      String target,
      boolean force,
      boolean overrides,
      Map<String, String> properties,
      boolean replica) {
    return of(target, force, overrides, properties, replica, false);
  }

  /**
   * @param resumable {@code -s}: an interrupted receive keeps what arrived (OpenZFS only)
   */
  static List<String> of(
      String target,
      boolean force,
      boolean overrides,
      Map<String, String> properties,
      boolean replica,
      boolean resumable) {
    List<String> args = new ArrayList<>();
    args.add("-u");
    if (force) {
      args.add("-F");
    }
    if (resumable) {
      args.add("-s");
    }
    if (overrides) {
      Map<String, String> all = new TreeMap<>(properties);
      if (replica) {
        all.putAll(ReceiveGuard.INERT);
      }
      all.forEach(
          (k, v) -> {
            args.add("-o");
            args.add(ZfsNames.requireProperty(k) + "=" + ZfsNames.requirePropertyValue(v));
          });
      if (replica) {
        args.add("-x");
        args.add("mountpoint");
      }
    }
    args.add(target);
    return args;
  }
}
