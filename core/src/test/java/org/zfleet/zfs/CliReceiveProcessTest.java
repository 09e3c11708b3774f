package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A receive whose only complaint is a mount that failed has received its stream. */
class CliReceiveProcessTest {

  static Stream<Arguments> stderrs() {
    return Stream.of(
        Arguments.of(Named.of("a busy child mountpoint", "cannot mount 'tank/r/a/data': mountpoint or dataset is busy\n"), true),
        Arguments.of(Named.of("two mounts", "cannot mount 'tank/r/a': busy\n  cannot mount 'tank/r/a/b c': busy\n"), true),
        Arguments.of(Named.of("a stream error", "cannot receive incremental stream: most recent snapshot of tank/r does not\nmatch incremental source\n"), false),
        Arguments.of(Named.of("a stream error and a mount", "cannot receive new filesystem stream: invalid backup stream\ncannot mount 'tank/r': busy\n"), false),
        Arguments.of(Named.of("nothing", ""), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stderrs")
  void onlyMountFailuresCountAsReceived(String stderr, boolean received) {
    assertThat(CliReceiveProcess.onlyMountFailed(stderr)).isEqualTo(received);
  }
}
