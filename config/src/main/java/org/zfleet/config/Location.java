package org.zfleet.config;

import com.typesafe.config.ConfigOrigin;

/** Where a value was written: file and 1-based line (0 when unknown). */
record Location(String file, int line) {

  /** The location {@code origin} names, or {@code fallback} where it names no line. */
  static Location of(ConfigOrigin origin, Location fallback) {
    if (origin == null || origin.lineNumber() < 1) {
      return fallback;
    }
    return new Location(fileOf(origin, fallback.file()), origin.lineNumber());
  }

  /** The file an origin belongs to: its file name, resource, or description without the line. */
  static String fileOf(ConfigOrigin origin, String fallback) {
    if (origin == null) {
      return fallback;
    }
    if (origin.filename() != null) {
      return origin.filename();
    }
    if (origin.resource() != null) {
      return origin.resource();
    }
    String description = origin.description();
    String suffix = ": " + origin.lineNumber();
    if (origin.lineNumber() >= 0 && description.endsWith(suffix)) {
      return description.substring(0, description.length() - suffix.length());
    }
    return description.startsWith("merge of ") ? fallback : description;
  }
}
