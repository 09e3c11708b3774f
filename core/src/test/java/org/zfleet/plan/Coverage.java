package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * How often a generator produced each kind of case, each with a minimum share: a property over
 * generated cases means little if the generator stops reaching the case it is about.
 */
final class Coverage {

  private final int total;
  private final List<String> shares = new ArrayList<>();
  private final List<String> shortfalls = new ArrayList<>();

  Coverage(int total) {
    if (total <= 0) {
      throw new IllegalArgumentException("coverage over " + total + " cases");
    }
    this.total = total;
  }

  /** Records that {@code count} cases were {@code label}; that needs more than the share. */
  void expect(String label, double minPercent, int count) {
    double percent = 100.0 * count / total;
    String share = String.format("%s: %d of %d (%.1f%%)", label, count, total, percent);
    shares.add(share);
    if (percent <= minPercent) {
      shortfalls.add(share + ", expected more than " + minPercent + "%");
    }
  }

  /** Fails naming every share below its minimum, and listing all shares. */
  void check() {
    assertThat(shortfalls)
        .as("generator coverage over %d cases:%n  %s", total, String.join("\n  ", shares))
        .isEmpty();
  }
}
