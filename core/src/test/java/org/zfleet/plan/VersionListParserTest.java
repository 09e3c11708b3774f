package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VersionListParserTest {

  @Test
  void parsesSnapshotsAndBookmarksSkippingBlankLinesAndComments() {
    String text =
        "# sender of tank/home\n"
            + "\n"
            + "@daily-1\t18446744073709551615\t42\t2024-05-01T00:00:00Z\r\n"
            + "#\n"
            + "#cursor\t7\t42\t2024-05-01T02:00:00+02:00\n"
            + "   \n"
            + "@daily-2\t8\t50\t2024-05-02T00:00:00Z";
    assertThat(VersionListParser.parse(text))
        .containsExactly(
            FilesystemVersion.snapshot("daily-1", -1L, 42, Instant.parse("2024-05-01T00:00:00Z")),
            FilesystemVersion.bookmark("cursor", 7, 42, Instant.parse("2024-05-01T00:00:00Z")),
            FilesystemVersion.snapshot("daily-2", 8, 50, Instant.parse("2024-05-02T00:00:00Z")));
  }

  @Test
  void emptyTextIsAnEmptyList() {
    assertThat(VersionListParser.parse("")).isEmpty();
    assertThat(VersionListParser.parse("# nothing yet\n")).isEmpty();
  }

  static Stream<Arguments> errors() {
    String ok = "@a\t1\t1\t2024-01-01T00:00:00Z\n";
    return Stream.of(
        Arguments.of(
            "spaces instead of tabs",
            ok + "@b 2 2 2024-01-01T00:00:00Z",
            "line 2: expected 4 tab-separated fields"),
        Arguments.of("missing field", "@a\t1\t1", "line 1: expected 4 tab-separated fields"),
        Arguments.of(
            "no kind",
            ok + ok.substring(1),
            "line 2: \"a\" must start with '@' (snapshot) or '#' (bookmark)"),
        Arguments.of(
            "bad name", "@a/b\t1\t1\t2024-01-01T00:00:00Z", "line 1: invalid name \"@a/b\""),
        Arguments.of(
            "guid not a number",
            "@a\tabc\t1\t2024-01-01T00:00:00Z",
            "line 1: guid \"abc\" is not an unsigned 64-bit"),
        Arguments.of("negative guid", "@a\t-1\t1\t2024-01-01T00:00:00Z", "line 1: guid \"-1\""),
        Arguments.of(
            "guid too large", "@a\t18446744073709551616\t1\t2024-01-01T00:00:00Z", "line 1: guid"),
        Arguments.of(
            "negative createtxg", "@a\t1\t-3\t2024-01-01T00:00:00Z", "line 1: createtxg \"-3\""),
        Arguments.of(
            "date without offset",
            "@a\t1\t1\t2024-01-01T00:00:00",
            "line 1: creation \"2024-01-01T00:00:00\""),
        Arguments.of("not a date", "\n\n@a\t1\t1\tyesterday", "line 3: creation \"yesterday\""),
        Arguments.of(
            "duplicate", ok + "# again\n" + ok, "line 3: @a is listed twice (first on line 1)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errorsNameTheLine(String name, String text, String message) {
    assertThatThrownBy(() -> VersionListParser.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aSnapshotAndItsBookmarkMayShareAName() {
    List<FilesystemVersion> versions =
        VersionListParser.parse("@a\t1\t1\t2024-01-01T00:00:00Z\n#a\t1\t1\t2024-01-01T00:00:00Z\n");
    assertThat(versions).extracting(FilesystemVersion::relativeName).containsExactly("@a", "#a");
  }
}
