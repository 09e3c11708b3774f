package org.zfleet.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.zfleet.model.FilesystemVersion;

/**
 * Compact version lists for tables: {@code "@a"} is snapshot a, {@code "#a"} bookmark a, {@code
 * "@x~a"} a snapshot named x carrying a's guid (the same snapshot under another name). Versions are
 * listed oldest first; createtxg comes from the position, on a different scale for each side
 * because createtxg means nothing across pools, and a bookmark shares the createtxg of the snapshot
 * with its guid listed before it.
 */
final class VersionNotation {

  private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  private VersionNotation() {}

  static List<FilesystemVersion> sender(String... specs) {
    return list(10, 0, specs);
  }

  static List<FilesystemVersion> receiver(String... specs) {
    return list(3, 5000, specs);
  }

  static long guid(String key) {
    // Spread keys over the unsigned range so guids above Long.MAX_VALUE are exercised too.
    return key.hashCode() * 0x9E3779B97F4A7C15L;
  }

  static FilesystemVersion find(List<FilesystemVersion> versions, String relativeName) {
    return versions.stream()
        .filter(v -> v.relativeName().equals(relativeName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(relativeName + " not in " + versions));
  }

  private static List<FilesystemVersion> list(int txgStep, int txgOffset, String... specs) {
    List<FilesystemVersion> out = new ArrayList<>();
    Map<Long, Long> txgOfGuid = new HashMap<>();
    for (int i = 0; i < specs.length; i++) {
      String spec = specs[i];
      char kind = spec.charAt(0);
      String body = spec.substring(1);
      int tilde = body.indexOf('~');
      String name = tilde < 0 ? body : body.substring(0, tilde);
      long guid = guid(tilde < 0 ? body : body.substring(tilde + 1));
      long positional = txgOffset + (long) (i + 1) * txgStep;
      Instant creation = EPOCH.plusSeconds(60L * i);
      if (kind == '@') {
        txgOfGuid.put(guid, positional);
        out.add(FilesystemVersion.snapshot(name, guid, positional, creation));
      } else if (kind == '#') {
        out.add(
            FilesystemVersion.bookmark(
                name, guid, txgOfGuid.getOrDefault(guid, positional), creation));
      } else {
        throw new IllegalArgumentException("bad spec " + spec);
      }
    }
    return List.copyOf(out);
  }

  /**
   * "up-to-date", "conflict REASON", or steps like "full @a, -I @a @c, -i #b @d"; "full!" is
   * forced.
   */
  static String render(Plan plan) {
    if (plan instanceof Plan.UpToDate) {
      return "up-to-date";
    }
    if (plan instanceof Plan.Conflict conflict) {
      return "conflict " + conflict.reason();
    }
    return ((Plan.Steps) plan)
        .steps().stream().map(VersionNotation::render).collect(Collectors.joining(", "));
  }

  static String render(Step step) {
    String flag = step.flag().cli() + (step.forceReceive() ? "!" : "");
    return flag
        + step.from().map(v -> " " + v.relativeName()).orElse("")
        + " "
        + step.to().relativeName();
  }
}
