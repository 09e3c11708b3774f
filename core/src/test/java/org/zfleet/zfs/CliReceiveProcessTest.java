package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliReceiveProcessTest {

  @Test
  void aReceiveThatOnlyFailedToMountIsAReceive() {
    assertThat(
            CliReceiveProcess.onlyMountFailed(
                "cannot mount '/b/sink/p/data': directory is not empty\ncannot mount 'b/sink/p/data/x': mountpoint or dataset is busy\n"))
        .isTrue();
  }

  @Test
  void anyOtherComplaintIsAFailure() {
    assertThat(CliReceiveProcess.onlyMountFailed("")).isFalse();
    assertThat(
            CliReceiveProcess.onlyMountFailed(
                "cannot receive incremental stream: destination b/x has been modified since most recent snapshot\ncannot mount 'b/x': busy"))
        .isFalse();
  }
}
