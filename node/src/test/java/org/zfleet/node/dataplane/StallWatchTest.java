package org.zfleet.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StallWatchTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void bytesThatStopMovingForTheIdleTimeoutAreAStall() {
    StallWatch watch = new StallWatch(Duration.ofSeconds(10), 0, 0);
    assertThat(watch.stalled(0, 9 * SECOND)).isFalse();
    assertThat(watch.stalled(0, 10 * SECOND)).isTrue();
  }

  @Test
  void bytesThatMoveRestartTheIdleTime() {
    StallWatch watch = new StallWatch(Duration.ofSeconds(10), 0, 0);
    assertThat(watch.stalled(5, 9 * SECOND)).isFalse();
    assertThat(watch.stalled(5, 18 * SECOND)).isFalse();
    assertThat(watch.stalled(5, 19 * SECOND)).isTrue();
    assertThat(watch.stalled(6, 20 * SECOND)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"PT0.5S, 100", "PT10S, 1000", "PT1M, 6000", "PT1H, 30000"})
  void checksATenthOfTheIdleTimeoutBetween100MillisAnd30Seconds(Duration idle, long millis) {
    assertThat(StallWatch.checkEvery(idle)).isEqualTo(Duration.ofMillis(millis));
  }
}
