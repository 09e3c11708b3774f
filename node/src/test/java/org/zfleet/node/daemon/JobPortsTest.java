package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.LoadResult;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.SendFlagsPort;
import org.zfleet.zfs.ZfsCapabilities;

/** A job's {@code send} section becomes the flags of its port, or stops the daemon at start. */
class JobPortsTest {

  private static ZfleetConfig config(String send) {
    String text =
        """
        zfleet.jobs = [
          { name = packed, type = push, sink = s, filesystems { "tank/b<" = true }
            snapshotting { type = periodic, prefix = "b_", interval = 10m }
            pruning { keep-sender = [ { type = not-replicated } ], keep-receiver = [ { type = last-n, count = 5 } ] }
            %s }
          { name = s, type = sink, root-fs = "backup/in", clients = [ h ] }
        ]
        """
            .formatted(send);
    LoadResult loaded = ConfigLoader.parse(text, "j.conf", "h");
    assertThat(loaded.errors()).isEmpty();
    return loaded.config().orElseThrow();
  }

  @Test
  void aJobWithSendOptionsGetsAPortThatAddsThem() {
    InMemoryZfs openZfs = new InMemoryZfs(Clock.systemUTC(), 1, ZfsCapabilities.openZfs());
    ZfleetConfig config = config("send { compressed = true, raw = true }");

    JobPorts.check(openZfs, config.jobs());

    assertThat(JobPorts.of(openZfs, config.job("packed").orElseThrow()))
        .isInstanceOf(SendFlagsPort.class);
    assertThat(JobPorts.of(openZfs, config.job("s").orElseThrow())).isSameAs(openZfs);
    assertThat(JobPorts.of(openZfs, config("send { raw = off }").job("packed").orElseThrow()))
        .isSameAs(openZfs);
    assertThat(JobPorts.of(openZfs, config(" ").job("packed").orElseThrow()))
        .as("raw = auto by default: encrypted filesystems are sent raw")
        .isInstanceOf(SendFlagsPort.class);
    InMemoryZfs zfsFuse = new InMemoryZfs();
    assertThat(JobPorts.of(zfsFuse, config(" ").job("packed").orElseThrow()))
        .as("nothing is encrypted on zfs-fuse: its port as it is")
        .isSameAs(zfsFuse);
  }

  @Test
  void aZfsWithoutAnOptionAJobAsksForStopsTheDaemonNamingJobAndOption() {
    InMemoryZfs zfsFuse = new InMemoryZfs();

    assertThatThrownBy(() -> JobPorts.check(zfsFuse, config("send { large-blocks = true }").jobs()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("job packed")
        .hasMessageContaining("large-blocks")
        .hasMessageContaining("zfs send -L");
    JobPorts.check(zfsFuse, List.copyOf(config("send { raw = false }").jobs()));
  }
}
