package org.zfleet.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The grid's bucket arithmetic on longs agrees with {@link Duration#dividedBy(Duration)}. */
class GridBucketTest {

  @Test
  void bucketsAgreeWithDurationDivisionAtEveryScale() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      Duration offset =
          Duration.ofSeconds(
              random.nextLong(1L << (1 + random.nextInt(40))), random.nextInt(1_000_000_000));
      Duration length =
          Duration.ofSeconds(
              random.nextLong(1L << (random.nextInt(30))), 1 + random.nextInt(999_999_999));
      assertThat(KeepRules.bucketOf(offset, length))
          .as("%s / %s", offset, length)
          .isEqualTo(offset.dividedBy(length));
    }
  }

  @Test
  void offsetsBeyondNanosecondRangeStillDivide() {
    Duration thousandYears = Duration.ofDays(365_000);
    assertThat(KeepRules.bucketOf(thousandYears, Duration.ofDays(1))).isEqualTo(365_000);
    assertThat(KeepRules.bucketOf(Duration.ofHours(5), thousandYears)).isZero();
    assertThat(KeepRules.bucketOf(Duration.ZERO, Duration.ofHours(1))).isZero();
    assertThat(KeepRules.bucketOf(Duration.ofHours(1), Duration.ofHours(1))).isEqualTo(1);
  }
}
