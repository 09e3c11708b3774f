package org.zfleet.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotNamingTest {

  private static final SnapshotNaming ZFLEET = new SnapshotNaming("zfleet_");

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("an ordinary afternoon", "2026-11-28T13:32:19Z", "zfleet_20261128T133219Z"),
        Arguments.of(
            "sub-second is truncated", "2026-11-28T13:32:19.999Z", "zfleet_20261128T133219Z"),
        Arguments.of("a leap day", "2028-02-29T00:00:00Z", "zfleet_20280229T000000Z"),
        Arguments.of(
            "the last second of a year", "2026-12-31T23:59:59Z", "zfleet_20261231T235959Z"),
        Arguments.of("the epoch", "1970-01-01T00:00:00Z", "zfleet_19700101T000000Z"),
        Arguments.of("the largest year", "9999-12-31T23:59:59Z", "zfleet_99991231T235959Z"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("names")
  void namesAreThePrefixAndTheUtcTimestamp(String description, String at, String expected) {
    assertThat(ZFLEET.name(Instant.parse(at))).isEqualTo(expected);
    assertThat(ZFLEET.parse(expected))
        .isEqualTo(
            new SnapshotNaming.Parsed.Timestamped(
                Instant.parse(at).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("no timestamp", "zfleet_"),
        Arguments.of("a word", "zfleet_hourly"),
        Arguments.of("too short", "zfleet_20261128T13321Z"),
        Arguments.of("too long", "zfleet_20261128T1332190Z"),
        Arguments.of("lower-case z", "zfleet_20261128T133219z"),
        Arguments.of("extended ISO with colons", "zfleet_2026-11-28T13:32:19Z"),
        Arguments.of("February 29 of a common year", "zfleet_20270229T000000Z"),
        Arguments.of("February 30", "zfleet_20260230T000000Z"),
        Arguments.of("hour 24", "zfleet_20261128T240000Z"),
        Arguments.of("a leap second", "zfleet_20261231T235960Z"),
        Arguments.of("month 13", "zfleet_20261328T000000Z"),
        Arguments.of("a sign in the year", "zfleet_+0261128T133219Z"),
        Arguments.of("a suffix", "zfleet_20261128T133219Z_manual"));
  }

  @ParameterizedTest(name = "malformed: {0}")
  @MethodSource("malformed")
  void namesWithThePrefixThatDoNotParseSayWhy(String description, String name) {
    SnapshotNaming.Parsed parsed = ZFLEET.parse(name);
    assertThat(parsed).isInstanceOf(SnapshotNaming.Parsed.Malformed.class);
    assertThat(((SnapshotNaming.Parsed.Malformed) parsed).problem()).contains(name);
  }

  @Test
  void namesWithoutThePrefixBelongToSomeoneElse() {
    assertThat(ZFLEET.parse("zrepl_20261128_133219_000"))
        .isEqualTo(new SnapshotNaming.Parsed.OtherPrefix());
    assertThat(ZFLEET.parse("zfleet20261128T133219Z"))
        .isEqualTo(new SnapshotNaming.Parsed.OtherPrefix());
  }

  @Test
  void invalidPrefixesAreRejected() {
    assertThatThrownBy(() -> new SnapshotNaming(""))
        .hasMessage("a snapshot prefix must not be empty");
    assertThatThrownBy(() -> new SnapshotNaming("a@b"))
        .hasMessageStartingWith("invalid snapshot prefix \"a@b\"");
    assertThatThrownBy(() -> new SnapshotNaming("-x"))
        .hasMessageStartingWith("invalid snapshot prefix \"-x\"");
  }

  @Test
  void yearsBeyondTheFormatAreRejected() {
    assertThatThrownBy(() -> ZFLEET.name(Instant.parse("+10000-01-01T00:00:00Z")))
        .hasMessageContaining("years 0000 to 9999");
  }

  @Test
  void namesSortAsTimeAndParseBack() {
    Random random = new Random(1);
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 5_000; i++) {
      Instant a = Instant.ofEpochSecond(Math.floorMod(random.nextLong(), max));
      Instant b = Instant.ofEpochSecond(Math.floorMod(random.nextLong(), max));
      String na = ZFLEET.name(a);
      String nb = ZFLEET.name(b);
      assertThat(Integer.signum(na.compareTo(nb)))
          .as("%s vs %s", a, b)
          .isEqualTo(Integer.signum(a.compareTo(b)));
      assertThat(na).hasSize("zfleet_".length() + SnapshotNaming.TIMESTAMP_LENGTH);
      assertThat(ZFLEET.parse(na)).isEqualTo(new SnapshotNaming.Parsed.Timestamped(a));
    }
  }
}
