package org.zfleet.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A ZFS filesystem or volume name, valid by ZFS's own naming rules; the only way a dataset name
 * reaches a {@code zfs} command line.
 *
 * <p>ZFS allows letters, digits, {@code _ - : .} and space in each component; the pool (first
 * component) must begin with a letter. Anything that could be read as an option (a leading {@code
 * -}) or as a snapshot or bookmark separator is rejected here, once, instead of at every call site.
 */
public record DatasetName(String value) implements Comparable<DatasetName> {

  /** ZFS_MAX_DATASET_NAME_LEN is 256 including the terminating NUL. */
  public static final int MAX_LENGTH = 255;

  public DatasetName {
    Objects.requireNonNull(value, "dataset name");
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException("invalid dataset name \"" + value + "\": " + problem);
    }
  }

  /** Parses {@code text}, throwing {@link IllegalArgumentException} with the reason if invalid. */
  public static DatasetName of(String text) {
    return new DatasetName(text);
  }

  /** Why {@code text} is not a valid dataset name, or {@code null} if it is. */
  public static String problem(String text) {
    if (text == null || text.isEmpty()) {
      return "empty name";
    }
    if (text.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    if (text.startsWith("/")) {
      return "must not start with '/'";
    }
    if (text.endsWith("/")) {
      return "must not end with '/'";
    }
    String[] components = text.split("/", -1);
    String pool = components[0];
    if (!Character.isLetter(pool.charAt(0)) || pool.charAt(0) > 0x7f) {
      return "the pool name must begin with a letter";
    }
    for (String component : components) {
      String componentProblem = componentProblem(component);
      if (componentProblem != null) {
        return componentProblem;
      }
    }
    return null;
  }

  /** Why {@code component} cannot be one component of a dataset or snapshot name, or null. */
  public static String componentProblem(String component) {
    if (component.isEmpty()) {
      return "empty component";
    }
    if (component.equals(".") || component.equals("..")) {
      return "component \"" + component + "\" is not allowed";
    }
    if (component.charAt(0) == '-') {
      return "component \"" + component + "\" begins with '-' and could be read as an option";
    }
    for (int i = 0; i < component.length(); i++) {
      char c = component.charAt(i);
      if (!isAllowed(c)) {
        return "character " + describe(c) + " is not allowed";
      }
    }
    return null;
  }

  static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == ':'
        || c == '.'
        || c == ' ';
  }

  static String describe(char c) {
    if (c == '@' || c == '#' || c == '%' || c == '/') {
      return "'" + c + "'";
    }
    if (c < 0x20 || c > 0x7e) {
      return String.format("U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  public String pool() {
    int slash = value.indexOf('/');
    return slash < 0 ? value : value.substring(0, slash);
  }

  /** The parent dataset, or empty for a pool's root dataset. */
  public java.util.Optional<DatasetName> parent() {
    int slash = value.lastIndexOf('/');
    return slash < 0
        ? java.util.Optional.empty()
        : java.util.Optional.of(new DatasetName(value.substring(0, slash)));
  }

  /** The last component. */
  public String leaf() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? value : value.substring(slash + 1);
  }

  public List<String> components() {
    List<String> out = new ArrayList<>();
    Collections.addAll(out, value.split("/"));
    return List.copyOf(out);
  }

  /** True if this is {@code other} or lies below it. */
  public boolean isWithin(DatasetName other) {
    return value.equals(other.value) || value.startsWith(other.value + "/");
  }

  /** This name with {@code relative} (one or more components) appended. */
  public DatasetName child(String relative) {
    return new DatasetName(value + "/" + relative);
  }

  /** The components below {@code ancestor}, e.g. "b/c" for a/b/c below a; empty if equal. */
  public String relativeTo(DatasetName ancestor) {
    if (!isWithin(ancestor)) {
      throw new IllegalArgumentException(value + " is not within " + ancestor.value);
    }
    return value.equals(ancestor.value) ? "" : value.substring(ancestor.value.length() + 1);
  }

  /** Depth in the tree: a pool's root dataset has depth 0. */
  public int depth() {
    return (int) value.chars().filter(c -> c == '/').count();
  }

  public SnapshotName snapshot(String shortName) {
    return new SnapshotName(this, shortName);
  }

  @Override
  public int compareTo(DatasetName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
