package org.zfleet.zfs;

import java.nio.charset.StandardCharsets;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * Rules for the strings other than dataset and snapshot names that reach a {@code zfs} command
 * line: property names and values, hold tags. Each {@code require...} throws {@link
 * IllegalArgumentException} naming the string and what is wrong with it.
 */
public final class ZfsNames {

  /** ZAP_MAXNAMELEN is 256 including the terminating NUL. */
  public static final int MAX_PROPERTY_NAME = 255;

  /** zfs-fuse aborts on values near 8 KiB; OpenZFS allows 8 KiB: stay well below both. */
  public static final int MAX_PROPERTY_VALUE_BYTES = 4096;

  /** Hold tags share the limit of names; kept shorter so tag and snapshot fit any message. */
  public static final int MAX_HOLD_TAG = 200;

  private ZfsNames() {}

  /**
   * Why {@code name} is not a user property name ({@code module:key}: lower-case letters, digits,
   * {@code _ - . :}, a colon after a non-empty module, as ZFS requires), or null.
   */
  public static String userPropertyProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    if (name.length() > MAX_PROPERTY_NAME) {
      return "longer than " + MAX_PROPERTY_NAME + " characters";
    }
    int colon = name.indexOf(':');
    if (colon <= 0 || colon == name.length() - 1) {
      return "a user property is module:key, with a colon between two non-empty parts";
    }
    if (name.charAt(0) == '-') {
      return "begins with '-' and could be read as an option";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.'
              || c == ':';
      if (!ok) {
        return "character " + quote(c) + " is not allowed (lower-case letters, digits, _ - . :)";
      }
    }
    return null;
  }

  public static String requireUserProperty(String name) {
    return require(name, userPropertyProblem(name), "user property name");
  }

  /**
   * Why {@code name} is neither a user property nor a native property name (lower-case letters,
   * digits and '_', e.g. {@code mountpoint}, {@code canmount}, {@code atime}), or null.
   */
  public static String propertyProblem(String name) {
    if (name != null && name.indexOf(':') >= 0) {
      return userPropertyProblem(name);
    }
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
      return "a native property name is lower-case letters, digits and '_', beginning with a"
          + " letter";
    }
    return null;
  }

  public static String requireProperty(String name) {
    return require(name, propertyProblem(name), "property name");
  }

  /**
   * Why {@code value} cannot be a property value (empty, a line break or NUL, too long), or null.
   */
  public static String propertyValueProblem(String value) {
    if (value == null || value.isEmpty()) {
      return "empty value (zfs cannot set an empty value; inherit the property instead)";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r' || c == '\0') {
        return "contains a line break or NUL, which zfs output cannot carry";
      }
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_PROPERTY_VALUE_BYTES) {
      return "longer than " + MAX_PROPERTY_VALUE_BYTES + " bytes";
    }
    return null;
  }

  public static String requirePropertyValue(String value) {
    return require(value, propertyValueProblem(value), "property value");
  }

  /**
   * Why {@code tag} cannot be a hold tag, or null: letters, digits, {@code _ - . :}, not beginning
   * with '-' (an option) or '.' (which ZFS reserves).
   */
  public static String holdTagProblem(String tag) {
    if (tag == null || tag.isEmpty()) {
      return "empty tag";
    }
    if (tag.length() > MAX_HOLD_TAG) {
      return "longer than " + MAX_HOLD_TAG + " characters";
    }
    char first = tag.charAt(0);
    if (first == '-' || first == '.') {
      return "begins with " + quote(first);
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.'
              || c == ':';
      if (!ok) {
        return "character " + quote(c) + " is not allowed (letters, digits, _ - . :)";
      }
    }
    return null;
  }

  public static String requireHoldTag(String tag) {
    return require(tag, holdTagProblem(tag), "hold tag");
  }

  /**
   * Reads {@code text} as a dataset ({@code pool/fs}) or snapshot ({@code pool/fs@snap}) name and
   * returns it as zfs expects it; bookmarks and anything else are rejected.
   */
  public static String requireDatasetOrSnapshot(String text) {
    if (text == null) {
      throw new IllegalArgumentException("invalid dataset or snapshot name: null");
    }
    return text.indexOf('@') >= 0 ? SnapshotName.parse(text).full() : DatasetName.of(text).value();
  }

  private static String require(String text, String problem, String what) {
    if (problem != null) {
      throw new IllegalArgumentException("invalid " + what + " \"" + text + "\": " + problem);
    }
    return text;
  }

  private static String quote(char c) {
    return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }
}
