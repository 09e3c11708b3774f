package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostPortTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of(Named.of("IPv4", "127.0.0.1:25520"), new HostPort("127.0.0.1", 25520)),
        Arguments.of(
            Named.of("host name", "backup1.example.org:1"), new HostPort("backup1.example.org", 1)),
        Arguments.of(Named.of("IPv6 in brackets", "[::1]:65535"), new HostPort("::1", 65535)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesAndPrintsTheSameText(String text, HostPort expected) {
    assertThat(HostPort.parse(text)).isEqualTo(expected);
    assertThat(HostPort.parse(text).toString()).isEqualTo(text);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(Named.of("no port", "127.0.0.1"), "expected host:port"),
        Arguments.of(Named.of("empty port", "127.0.0.1:"), "is not a port number"),
        Arguments.of(Named.of("no host", ":25520"), "expected host:port"),
        Arguments.of(Named.of("port zero", "localhost:0"), "port must lie in 1-65535, got 0"),
        Arguments.of(Named.of("port too big", "localhost:65536"), "port must lie in 1-65535"),
        Arguments.of(Named.of("word port", "localhost:http"), "\"http\" is not a port number"),
        Arguments.of(Named.of("bare IPv6", "::1:25520"), "expected host:port"),
        Arguments.of(Named.of("space", "a b:1"), "contains a space"),
        Arguments.of(Named.of("user part", "me@host:1"), "contains a space, '/' or '@'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesSayingWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
