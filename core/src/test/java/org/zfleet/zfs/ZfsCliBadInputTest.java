package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/** Bad input never reaches a process; a missing zfs or a stopped daemon is Unavailable. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ZfsCliBadInputTest {

  @TempDir Path dir;
  private FakeZfs fake;
  private ZfsCli zfs;

  @BeforeEach
  void fakeZfs() {
    fake = FakeZfs.create(dir, "exit 0");
    zfs = ZfsCli.withCapabilities(config(fake.binary()), ZfsCapabilities.openZfs());
  }

  @AfterEach
  void close() {
    zfs.close();
  }

  static ZfsCliConfig config(Path binary) {
    Duration d = Duration.ofSeconds(10);
    return ZfsCliConfig.defaults().withBinaries(binary, Path.of("zpool")).withTimeouts(d, d, d);
  }

  static Stream<Arguments> malformedDatasetNames() {
    return Stream.of(
        Arguments.of(named("leading '-'", "-rf")),
        Arguments.of(named("component with leading '-'", "pool/-o")),
        Arguments.of(named("'@' inside a dataset name", "pool/a@b")),
        Arguments.of(named("'#' inside a dataset name", "pool/a#b")),
        Arguments.of(named("empty component", "pool//a")),
        Arguments.of(named("trailing slash", "pool/a/")),
        Arguments.of(named("line break", "pool/a\nb")),
        Arguments.of(named("empty", "")),
        Arguments.of(named("too long", "pool/" + "a".repeat(260))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedDatasetNames")
  void malformedDatasetNamesAreRejectedBeforeAnyProcessStarts(String name) {
    assertThatThrownBy(() -> DatasetName.of(name)).isInstanceOf(IllegalArgumentException.class);
    if (!name.contains("@")) {
      assertThatThrownBy(() -> zfs.setUserProperty(name, "zfleet:x", "v"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid");
    }
    assertThat(fake.calls()).isEmpty();
  }

  static Stream<Arguments> malformedSnapshotStrings() {
    return Stream.of(
        Arguments.of(named("two '@'", "pool/a@b@c")),
        Arguments.of(named("empty snapshot name", "pool/a@")),
        Arguments.of(named("snapshot name with leading '-'", "pool/a@-r")),
        Arguments.of(named("'/' after '@'", "pool@a/b")),
        Arguments.of(named("empty component before '@'", "pool//a@s")),
        Arguments.of(named("bookmark", "pool/a#b")),
        Arguments.of(named("too long", "pool/a@" + "s".repeat(260))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedSnapshotStrings")
  void malformedSnapshotNamesAreRejectedBeforeAnyProcessStarts(String name) {
    assertThatThrownBy(() -> zfs.setUserProperty(name, "zfleet:x", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fake.calls()).isEmpty();
  }

  static Stream<Arguments> otherBadArguments() {
    DatasetName fs = DatasetName.of("pool/fs");
    SnapshotName s = fs.snapshot("s");
    return Stream.of(
        bad("property name like an option", z -> z.setUserProperty("pool/fs", "-o", "v")),
        bad("property name without colon", z -> z.setUserProperty("pool/fs", "nocolon", "v")),
        bad("property name in upper case", z -> z.setUserProperty("pool/fs", "Zfleet:x", "v")),
        bad("property name with '='", z -> z.setUserProperty("pool/fs", "zfleet:a=b", "v")),
        bad("property name without module", z -> z.inheritUserProperty(fs, ":key")),
        bad("property name with space", z -> z.list(List.of(fs), Set.of("zfleet:a b"))),
        bad("empty property value", z -> z.setUserProperty("pool/fs", "zfleet:x", "")),
        bad(
            "property value with line break",
            z -> z.setUserProperty("pool/fs", "zfleet:x", "a\nb")),
        bad(
            "property value too long",
            z -> z.setUserProperty("pool/fs", "zfleet:x", "v".repeat(5000))),
        bad("create option name", z -> z.createFilesystem(fs, Map.of("-o", "x"), false)),
        bad(
            "receive property value",
            z -> z.receive(new ReceiveRequest(fs, false, Map.of("zfleet:x", "a\nb")))),
        bad("hold tag like an option", z -> z.hold(s, "-f")),
        bad("hold tag with leading '.'", z -> z.hold(s, ".x")),
        bad("empty hold tag", z -> z.release(s, "")),
        bad("hold tag with '@'", z -> z.hold(s, "t@g")),
        bad("snapshot name like an option", z -> z.snapshot(List.of(fs), "-r")),
        bad("snapshot name with '@'", z -> z.snapshotRecursive(fs, "a@b")),
        bad("bookmark name with '#'", z -> z.bookmark(s, "a#b")));
  }

  private static Arguments bad(String name, Consumer<ZfsCli> call) {
    return Arguments.of(named(name, call));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherBadArguments")
  void otherBadArgumentsAreRejectedBeforeAnyProcessStarts(Consumer<ZfsCli> call) {
    assertThatThrownBy(() -> call.accept(zfs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid");
    assertThat(fake.calls()).isEmpty();
  }

  @Test
  void aMissingBinaryIsUnavailableNamingItsPath() {
    Path missing = dir.resolve("no-such-dir").resolve("zfs");

    assertThatThrownBy(() -> ZfsCli.create(config(missing)))
        .isInstanceOf(ZfsException.Unavailable.class)
        .hasMessageContaining(missing.toString());
    try (ZfsCli cli = ZfsCli.withCapabilities(config(missing), ZfsCapabilities.zfsFuse())) {
      assertThatThrownBy(() -> cli.list(List.of(DatasetName.of("pool")), Set.of()))
          .isInstanceOf(ZfsException.Unavailable.class)
          .hasMessageContaining(missing.toString());
      assertThatThrownBy(() -> cli.send(SendRequest.full(SnapshotName.parse("pool@s"))))
          .isInstanceOf(ZfsException.Unavailable.class)
          .hasMessageContaining(missing.toString());
    }
  }

  /** What zfs-fuse's zfs prints when its daemon's socket does not answer. */
  private static final String DAEMON_DOWN =
      "echo 'connect: No such file or directory' >&2\n"
          + "echo 'Please make sure that the zfs-fuse daemon is running.' >&2\n"
          + "echo 'internal error: failed to initialize ZFS library' >&2\n"
          + "exit 1";

  @Test
  void aStoppedZfsFuseDaemonIsUnavailableWithAHintToStartIt() {
    FakeZfs down = FakeZfs.createAnsweringUsage(dir, DAEMON_DOWN);

    assertThatThrownBy(() -> ZfsCli.create(config(down.binary())))
        .isInstanceOf(ZfsException.Unavailable.class)
        .hasMessageContaining("zfs-fuse daemon is not running")
        .hasMessageContaining("deploy/zfs-fuse.sh up");
    try (ZfsCli cli = ZfsCli.withCapabilities(config(down.binary()), ZfsCapabilities.zfsFuse())) {
      SnapshotName s = SnapshotName.parse("pool/fs@s");
      assertThatThrownBy(() -> cli.destroySnapshot(s))
          .isInstanceOf(ZfsException.Unavailable.class)
          .hasMessageContaining("pool/fs@s")
          .hasMessageContaining("start it")
          .hasMessageNotContaining("\n")
          .satisfies(
              e ->
                  assertThat(((ZfsException) e).stderr())
                      .contains("Please make sure that the zfs-fuse daemon is running."));
    }
  }

  @Test
  void bookmarksAreRefusedWithoutRunningAnythingWhereThereAreNone() {
    try (ZfsCli cli = ZfsCli.withCapabilities(config(fake.binary()), ZfsCapabilities.zfsFuse())) {
      assertThatThrownBy(() -> cli.bookmark(SnapshotName.parse("pool/fs@s"), "b"))
          .isInstanceOf(ZfsException.Unsupported.class);
    }
    assertThat(fake.calls()).isEmpty();
  }
}
