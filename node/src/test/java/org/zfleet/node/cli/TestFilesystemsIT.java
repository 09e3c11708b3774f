package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.zfs.RealZfsFixture;

/** {@code zfleet test filesystems} on real zfs-fuse datasets follows zrepl's filter semantics. */
@Timeout(120)
class TestFilesystemsIT {

  private final RealZfsFixture zfs = new RealZfsFixture();
  private DatasetName root;

  @BeforeEach
  void tree() throws Exception {
    RealZfsFixture.requirePools();
    root = zfs.scratch(RealZfsFixture.POOL_1, "filter");
    for (String child :
        List.of(
            "data",
            "data/projects",
            "data/projects/site.v2",
            "data/tmp",
            "data/tmp/cache",
            "data/tmp/keep me",
            "data/my vm.disk",
            "other")) {
      run("zfs", "create", root.value() + "/" + child);
    }
  }

  @AfterEach
  void cleanUp() {
    zfs.destroyAll();
  }

  @Test
  void selectsSubtreesMinusExcludedOnesWithTheMostSpecificKeyWinning(@TempDir Path dir)
      throws IOException {
    String r = root.value();
    Path config =
        Files.writeString(
            dir.resolve("f.conf"),
            """
        zfleet {
          node { name = "t", data-dir = "/tmp" }
          jobs = [ { name = "snaps", type = snap
            filesystems { "%1$s/data<" = true, "%1$s/data/tmp<" = false, "%1$s/data/tmp/keep me" = true }
            snapshotting { type = periodic, prefix = "t_", interval = 1h }
            pruning { keep = [ { type = last-n, count = 1 } ] } } ]
        }
        """
                .formatted(r));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "test",
            "filesystems",
            "--config",
            config.toString(),
            "--job",
            "snaps");

    assertThat(code).as(err.toString()).isZero();
    assertThat(Arrays.asList(out.toString().split("\n")))
        .containsExactly(
            r + "/data",
            r + "/data/my vm.disk",
            r + "/data/projects",
            r + "/data/projects/site.v2",
            r + "/data/tmp/keep me");
  }

  @Test
  void aJobThatSelectsNothingHereSaysSoAndFails(@TempDir Path dir) throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("f.conf"),
            """
        zfleet {
          node { name = "t", data-dir = "/tmp" }
          jobs = [ { name = "snaps", type = snap
            filesystems { "%s/absent<" = true }
            snapshotting { type = periodic, prefix = "t_", interval = 1h }
            pruning { keep = [ { type = last-n, count = 1 } ] } } ]
        }
        """
                .formatted(root.value()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "test",
            "filesystems",
            "--config",
            config.toString(),
            "--job",
            "snaps");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("job snaps selects no filesystem on this host");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
