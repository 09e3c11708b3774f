package org.zfleet.node.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransferRatesTest {

  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

  /** A poll: seconds after T0, bytes so far, and when the transfer began (seconds after T0). */
  private record Poll(double at, long bytes, long began) {}

  private static Poll poll(double at, long bytes, long began) {
    return new Poll(at, bytes, began);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("one poll: the average since it began", List.of(poll(10, 1000, 0)), 100.0),
        Arguments.of(
            "polls under half the window apart: still the average",
            List.of(poll(10, 1000, 0), poll(12, 3000, 0)),
            250.0),
        Arguments.of(
            "polls half the window apart: the rate between them",
            List.of(poll(10, 1000, 0), poll(12.5, 6000, 0)),
            2000.0),
        Arguments.of(
            "older polls leave the window",
            List.of(poll(0, 0, 0), poll(1, 100, 0), poll(6, 5100, 0), poll(9, 8100, 0)),
            1000.0),
        Arguments.of(
            "a new transfer under the same key starts over",
            List.of(poll(10, 9000, 0), poll(13, 12000, 0), poll(14, 400, 12)),
            200.0),
        Arguments.of(
            "bytes that went back never make a negative rate",
            List.of(poll(10, 5000, 0), poll(13, 4000, 0)),
            0.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rateOfTheLastPoll(String name, List<Poll> polls, double expected) {
    TransferRates rates = new TransferRates();
    double rate = -1;
    for (Poll p : polls) {
      rate =
          rates.rate(
              "job\u0000tank/a\u0000backup",
              p.bytes(),
              T0.plusSeconds(p.began()),
              T0.plusMillis((long) (p.at() * 1000)));
    }
    assertThat(rate).isCloseTo(expected, within(0.01));
  }

  @Test
  void finishedTransfersAreForgotten() {
    TransferRates rates = new TransferRates();
    rates.rate("a", 10, T0, T0.plusSeconds(1));
    rates.rate("b", 10, T0, T0.plusSeconds(1));
    rates.retain(Set.of("b"));
    assertThat(rates.tracked()).isEqualTo(1);
    assertThat(rates.rate("a", 10, T0, T0.plusSeconds(10))).isCloseTo(1.0, within(0.01));
  }
}
