package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The token bucket alone, on a manual clock. */
class BandwidthLimitTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  /**
   * Reservations at 1000 KiB/s (a bucket of 102,400 bytes, full at the start), each {@code at}
   * nanoseconds after the start, and the wait each is told.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "within the first bucketful passes at once | 0:102400 | 0",
        "one byte over the bucket waits for it     | 0:102401 | 977",
        "debt: the second waits for both           | 0:102400, 0:102400 | 0, 100000000",
        "a later caller waits behind the debt      | 0:204800, 0:1024 | 100000000, 101000000",
        "time refills the bucket                   | 0:102400, 100000000:102400 | 0, 0",
        "but no more than one bucketful            | 0:0, 900000000000:204800 | 0, 100000000",
        "a second at the rate                      | 0:102400, 0:1024000 | 0, 1000000000",
      })
  void waitsAreWhatTheBucketOwes(String name, String reservations, String waits) {
    BandwidthLimit limit = BandwidthLimit.of(1_024_000, now::get);
    long start = now.get();
    String[] expected = waits.split(",");
    String[] asks = reservations.split(",");
    for (int i = 0; i < asks.length; i++) {
      String[] atBytes = asks[i].trim().split(":");
      now.set(start + Long.parseLong(atBytes[0]));
      assertThat(limit.reserveNanos(Long.parseLong(atBytes[1])))
          .as("%s: reservation %d", name, i)
          .isEqualTo(Long.parseLong(expected[i].trim()));
    }
  }

  @Test
  void overAnyStretchTheBytesPassedStayWithinTheRatePlusOneBucket() {
    long rate = 10L << 30;
    BandwidthLimit limit = BandwidthLimit.of(rate, now::get);
    long start = now.get();
    long passed = 0;
    for (int i = 0; i < 10_000; i++) {
      // Each caller passes its chunk when told, so the clock is at least there at the next ask.
      now.addAndGet(limit.reserveNanos(256 * 1024));
      passed += 256 * 1024;
      double seconds = (now.get() - start) / 1e9;
      assertThat((double) passed).isLessThanOrEqualTo(rate * seconds + rate / 10.0 + 1);
    }
    assertThat(passed / ((now.get() - start) / 1e9)).isGreaterThan(rate * 0.99);
  }

  @Test
  void refusesALimitBelowOneKibibytePerSecond() {
    assertThatThrownBy(() -> BandwidthLimit.of(1023))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below 1 KiB/s");
  }
}
