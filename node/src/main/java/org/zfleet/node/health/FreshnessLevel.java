package org.zfleet.node.health;

/** How fresh a replica is, with the Nagios/Icinga exit code of each level. */
public enum FreshnessLevel {
  OK(0),
  WARNING(1),
  CRITICAL(2),
  UNKNOWN(3);

  private final int exitCode;

  FreshnessLevel(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Nagios's order of badness: CRITICAL, then WARNING, then UNKNOWN, then OK. */
  int severity() {
    return switch (this) {
      case OK -> 0;
      case UNKNOWN -> 1;
      case WARNING -> 2;
      case CRITICAL -> 3;
    };
  }

  public FreshnessLevel worse(FreshnessLevel other) {
    return other.severity() > severity() ? other : this;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
