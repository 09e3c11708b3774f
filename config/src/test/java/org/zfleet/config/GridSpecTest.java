package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class GridSpecTest {

  static KeepRule.GridInterval iv(int count, Duration length, int keep) {
    return new KeepRule.GridInterval(
        count, length, keep < 0 ? OptionalInt.empty() : OptionalInt.of(keep));
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of(
            "zrepl documentation example",
            "1x1h(keep=all) | 24x1h | 35x1d | 6x30d",
            List.of(
                iv(1, Duration.ofHours(1), -1),
                iv(24, Duration.ofHours(1), 1),
                iv(35, Duration.ofDays(1), 1),
                iv(6, Duration.ofDays(30), 1))),
        Arguments.of(
            "no spaces, explicit keep",
            "4x15m(keep=2)|7x1w",
            List.of(iv(4, Duration.ofMinutes(15), 2), iv(7, Duration.ofDays(7), 1))),
        Arguments.of(
            "spaces inside terms",
            " 2 x 30s ( keep = all ) ",
            List.of(iv(2, Duration.ofSeconds(30), -1))),
        Arguments.of("capital X", "3X1d", List.of(iv(3, Duration.ofDays(1), 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesZreplGrids(String name, String spec, List<KeepRule.GridInterval> expected) {
    assertThat(GridSpec.parse(spec)).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("unknown unit", "24x1hh", "unknown unit \"hh\" in \"24x1hh\""),
        Arguments.of("months are not a unit", "6x1mo", "unknown unit \"mo\" in \"6x1mo\""),
        Arguments.of("missing unit", "24x1", "missing unit (s, m, h, d or w) in \"24x1\""),
        Arguments.of("missing duration", "24x", "missing duration after 'x' in \"24x\""),
        Arguments.of(
            "missing count",
            "x1h",
            "\"x1h\" is not N x DURATION(keep=K|all), e.g. 24x1h or 1x1h(keep=all)"),
        Arguments.of("zero count", "0x1h", "count must be at least 1 in \"0x1h\""),
        Arguments.of("zero duration", "1x0h", "duration must be positive in \"1x0h\""),
        Arguments.of(
            "keep zero",
            "1x1h(keep=0)",
            "keep must be a positive number or all, got \"0\" in \"1x1h(keep=0)\""),
        Arguments.of(
            "keep word",
            "1x1h(keep=some)",
            "keep must be a positive number or all, got \"some\" in \"1x1h(keep=some)\""),
        Arguments.of(
            "not keep", "1x1h(hold=1)", "expected (keep=K) or (keep=all) in \"1x1h(hold=1)\""),
        Arguments.of("empty term", "1x1h||2x1d", "empty term between '|' in \"1x1h||2x1d\""),
        Arguments.of("trailing bar", "1x1h |", "empty term between '|' in \"1x1h |\""),
        Arguments.of("empty", "  ", "empty grid; expected e.g. \"1x1h(keep=all) | 24x1h | 30x1d\""),
        Arguments.of(
            "huge count", "10000000x1h", "count 10000000 is too large in \"10000000x1h\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsWithTheBadTerm(String name, String spec, String message) {
    assertThatThrownBy(() -> GridSpec.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
