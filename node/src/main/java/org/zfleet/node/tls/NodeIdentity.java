package org.zfleet.node.tls;

import java.util.Objects;
import org.zfleet.model.DatasetName;

/**
 * A node's name as its certificate states it (the subject CN). Identities become dataset names on
 * receiving nodes, so a valid one is a valid single ZFS dataset component, and additionally short
 * enough for a CN (64 characters) and free of spaces, so it also works as a file name.
 */
public record NodeIdentity(String name) {

  public static final int MAX_LENGTH = 64;

  public NodeIdentity {
    Objects.requireNonNull(name, "node name");
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid node name \"" + name + "\": " + problem);
    }
  }

  public static NodeIdentity of(String name) {
    return new NodeIdentity(name);
  }

  /** Why {@code name} is not a valid node name, or {@code null} if it is. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "empty name";
    }
    if (name.length() > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " characters";
    }
    if (name.indexOf(' ') >= 0) {
      return "contains a space";
    }
    return DatasetName.componentProblem(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
