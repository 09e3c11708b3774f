package org.zfleet.config;

import java.util.Locale;

/** One job of a node, as configured: push, sink, pull, source or snap, with zrepl's meanings. */
public sealed interface JobConfig permits PushJob, SinkJob, PullJob, SourceJob, SnapJob {

  /** The job's name, unique on its node and used to address it across the cluster. */
  String name();

  Type type();

  /** The job types; {@link #configName()} is how the configuration spells them. */
  enum Type {
    PUSH,
    SINK,
    PULL,
    SOURCE,
    SNAP;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The longest job or node name accepted. */
  int MAX_NAME_LENGTH = 64;

  /**
   * What no job name may start with: the data plane routes streams whose job field starts so to the
   * restores this node runs, so a job named so would have its streams taken by a restore's check.
   */
  String RESERVED_PREFIX = "zfleet-restore-";

  /**
   * Why {@code name} cannot name a job (or a node), or null if it can: 1 to 64 letters, digits,
   * {@code _ - . :}, starting with a letter or digit, so it fits in hold tags and file names.
   */
  static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "the name must not be empty";
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return "the name is longer than " + MAX_NAME_LENGTH + " characters";
    }
    if (!Character.isLetterOrDigit(name.charAt(0)) || name.charAt(0) > 0x7f) {
      return "\"" + name + "\" must start with a letter or digit";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.'
              || c == ':';
      if (!ok) {
        return "\"" + name + "\" contains '" + c + "'; use letters, digits, _ - . :";
      }
    }
    return null;
  }

  /** Throws {@link IllegalArgumentException} if {@code name} is not a valid job or node name. */
  static String checkName(String what, String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid " + what + " name: " + problem);
    }
    return name;
  }
}
