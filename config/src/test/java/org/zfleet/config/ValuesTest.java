package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class ValuesTest {

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("10m", Duration.ofMinutes(10)),
        Arguments.of("90s", Duration.ofSeconds(90)),
        Arguments.of("1.5h", Duration.ofMinutes(90)),
        Arguments.of("2 days", Duration.ofDays(2)),
        Arguments.of("1w", Duration.ofDays(7)),
        Arguments.of("250ms", Duration.ofMillis(250)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durations")
  void parsesDurations(String text, Duration expected) {
    assertThat(Values.parseDuration(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10       | \"10\" has no unit; write e.g. 10s or 10m",
        "0s       | must be positive, got 0s",
        "-1m      | must be positive, got -1m",
        "5 mins   | unknown unit \"mins\" in \"5 mins\" (use ms, s, m, h, d or w)",
        "soon     | \"soon\" is not a duration such as 30s, 10m, 1h or 7d",
        "4000d    | \"4000d\" is longer than ten years"
      })
  void rejectsBadDurations(String text, String message) {
    assertThatThrownBy(() -> Values.parseDuration(text)).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "50 MiB/s | 52428800",
        "10M | 10485760",
        "1.5 GB | 1500000000",
        "100 KB/s | 100000",
        "4096 | 4096"
      })
  void parsesByteRates(String text, long bytes) {
    assertThat(Values.parseByteRate(text)).isEqualTo(bytes);
  }

  @Test
  void rejectsBadRates() {
    assertThatThrownBy(() -> Values.parseByteRate("0.5 B"))
        .hasMessage("must be at least 1 KiB/s, got 0.5 B");
    // The byte path's lowest limit: a rate configcheck accepts must work in a transfer.
    assertThatThrownBy(() -> Values.parseByteRate("1023"))
        .hasMessage("must be at least 1 KiB/s, got 1023");
    assertThatThrownBy(() -> Values.parseByteRate("fast"))
        .hasMessage("\"fast\" is not a rate such as 50 MiB/s");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "keep_sender, keep-sender",
    "snaphotting, snapshotting",
    "Root-FS, root-fs",
    "intervall, interval"
  })
  void suggestsTheNearestKey(String typo, String meant) {
    List<String> keys =
        List.of("keep-sender", "keep-receiver", "snapshotting", "root-fs", "interval", "name");
    assertThat(Values.closest(typo, keys)).contains(meant);
  }

  @Test
  void suggestsNothingForUnrelatedWords() {
    assertThat(Values.closest("colour", List.of("name", "data-dir", "cluster")))
        .isEqualTo(Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"600000, 10m", "5400000, 90m", "172800000, 2d", "1209600000, 2w", "1500, 1500ms"})
  void formatsDurationsInTheLargestExactUnit(long millis, String text) {
    assertThat(Values.formatDuration(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @Test
  void quotesKeysThatAreNotPlain() {
    assertThat(Values.quoteKey("keep-sender")).isEqualTo("keep-sender");
    assertThat(Values.quoteKey("tank/data<")).isEqualTo("\"tank/data<\"");
    assertThat(Values.quoteKey("my \"vm\"")).isEqualTo("\"my \\\"vm\\\"\"");
  }
}
