package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real zfs-fuse (and OpenZFS) error texts map to the typed errors callers decide on. */
class ZfsErrorClassifierTest {

  static Stream<Arguments> messages() {
    return Stream.of(
        c(
            "held snapshot",
            "destroy",
            "cannot destroy 'p/fs@s': dataset is busy\n",
            ZfsException.Busy.class),
        c(
            "busy pool",
            "destroy",
            "cannot destroy 'p/fs': pool or dataset is busy\n",
            ZfsException.Busy.class),
        c(
            "missing dataset",
            "get",
            "cannot open 'p/x': dataset does not exist\n",
            ZfsException.NotFound.class),
        c(
            "missing pool",
            "create",
            "cannot create 'q/x': no such pool 'q'\n",
            ZfsException.NotFound.class),
        c(
            "missing parent",
            "create",
            "cannot create 'p/a/b': parent does not exist\n",
            ZfsException.NotFound.class),
        c(
            "existing snapshot",
            "snapshot",
            "cannot create snapshot 'p/fs@s': dataset already exists\n",
            ZfsException.AlreadyExists.class),
        c(
            "existing tag",
            "hold",
            "cannot hold 'p/fs@s': tag already exists on this dataset\n",
            ZfsException.AlreadyExists.class),
        c(
            "permission",
            "destroy",
            "cannot destroy 'p/fs@s': permission denied\n",
            ZfsException.PermissionDenied.class),
        c(
            "no bookmark command",
            "bookmark",
            "unrecognized command 'bookmark'\nusage: zfs ...\n",
            ZfsException.Unsupported.class),
        c(
            "no list -p",
            "list",
            "invalid option 'p'\nusage:\n\tlist [-rH]\n",
            ZfsException.Unsupported.class),
        c(
            "daemon down",
            "list",
            "connect: No such file or directory\n"
                + "Please make sure that the zfs-fuse daemon is running.\n"
                + "internal error: failed to initialize ZFS library\n",
            ZfsException.Unavailable.class),
        c(
            "no kernel module",
            "list",
            "The ZFS modules are not loaded.\n"
                + "Try running '/sbin/modprobe zfs' as root to load them.\n",
            ZfsException.Unavailable.class),
        c(
            "wrong base, wrapped over two lines",
            "receive",
            "cannot receive incremental stream: most recent snapshot of p/t does not\n"
                + "match incremental source\n",
            ZfsException.StreamFailed.class),
        c(
            "modified target",
            "receive",
            "cannot receive incremental stream: destination p/t has been modified\n"
                + "since most recent snapshot\n",
            ZfsException.StreamFailed.class),
        c(
            "truncated stream",
            "receive",
            "cannot receive new filesystem stream: invalid backup stream\n",
            ZfsException.StreamFailed.class),
        c(
            "corrupt stream",
            "receive",
            "cannot receive incremental stream: invalid stream (checksum mismatch)\n",
            ZfsException.StreamFailed.class),
        c(
            "existing target",
            "receive",
            "cannot receive new filesystem stream: destination 'p/t' exists\n"
                + "must specify -F to overwrite it\n",
            ZfsException.AlreadyExists.class),
        c(
            "target with snapshots",
            "receive",
            "cannot receive new filesystem stream: destination has snapshots (eg. p/t@a)\n"
                + "must destroy them to overwrite it\n",
            ZfsException.AlreadyExists.class),
        c(
            "target parent missing",
            "receive",
            "cannot open 'p/no/t': dataset does not exist\n"
                + "cannot receive new filesystem stream: dataset does not exist\n",
            ZfsException.NotFound.class),
        c(
            "missing snapshot to send",
            "send",
            "WARNING: could not send p/fs@x: does not exist\n",
            ZfsException.NotFound.class),
        c(
            "missing base to send",
            "send",
            "warning: cannot send 'p/fs@b': incremental source (@x) does not exist\n",
            ZfsException.NotFound.class),
        c(
            "reader went away",
            "send",
            "warning: cannot send 'p/fs@a': Broken pipe\n",
            ZfsException.StreamFailed.class),
        c(
            "newer snapshots",
            "rollback",
            "cannot rollback to 'p/fs@a': more recent snapshots exist\n"
                + "use '-r' to force deletion of the following snapshots:\np/fs@b\n",
            ZfsException.Failed.class),
        // OpenZFS 2.3.2, as printed in the guest of deploy/openzfs-vm.sh.
        c(
            "OpenZFS: held snapshot in a destroy list",
            "destroy",
            "cannot destroy snapshot p/fs@b: it's being held. Run 'zfs holds -r p/fs@b' to see"
                + " holders.\n",
            ZfsException.Busy.class),
        c(
            "OpenZFS: none of a destroy list exists",
            "destroy",
            "could not find any snapshots to destroy; check snapshot names.\n",
            ZfsException.NotFound.class),
        c(
            "OpenZFS: existing bookmark",
            "bookmark",
            "cannot create bookmark 'p/fs#a': bookmark exists\n",
            ZfsException.AlreadyExists.class),
        c(
            "OpenZFS: truncated stream",
            "receive",
            "cannot receive new filesystem stream: incomplete stream\n",
            ZfsException.StreamFailed.class),
        c(
            "OpenZFS: interrupted resumable receive",
            "receive",
            "cannot receive new filesystem stream: checksum mismatch or incomplete stream.\n"
                + "Partially received snapshot is saved.\n"
                + "A resuming stream can be generated on the sending system by running:\n"
                + "    zfs send -t 1-aefbeae0d-b8-789c6360\n",
            ZfsException.StreamFailed.class),
        c(
            "OpenZFS: a resumed stream of another snapshot",
            "receive",
            "cannot receive resume stream: kernel modules must be upgraded to receive this"
                + " stream.\n",
            ZfsException.ResumeFailed.class),
        c(
            "OpenZFS: corrupt resume token",
            "send",
            "cannot resume send: resume token is corrupt (incorrect checksum)\n",
            ZfsException.ResumeFailed.class),
        c(
            "OpenZFS: the token's snapshot is gone",
            "send",
            "cannot resume send: 'p/fs@c' used in the initial send no longer exists\n",
            ZfsException.ResumeFailed.class),
        c(
            "OpenZFS: a new stream over a partial receive",
            "receive",
            "cannot receive new filesystem stream: destination p/t contains partially-complete"
                + " state from \"zfs receive -s\".\n",
            ZfsException.PartialReceive.class),
        c(
            "OpenZFS: encrypted source without its key",
            "send",
            "warning: cannot send 'p/enc@s': dataset key must be loaded\n",
            ZfsException.Encryption.class),
        c(
            "OpenZFS: raw stream onto an unencrypted replica",
            "receive",
            "cannot receive incremental stream: cannot perform raw receive on top of existing"
                + " unencrypted dataset\n",
            ZfsException.Encryption.class),
        c(
            "OpenZFS: plain stream into a replica whose key is not loaded",
            "receive",
            "cannot receive incremental stream: inherited key must be loaded\n",
            ZfsException.Encryption.class),
        c("no message", "get", "", ZfsException.Failed.class));
  }

  private static Arguments c(
      String name, String verb, String stderr, Class<? extends ZfsException> type) {
    return Arguments.of(named(name, verb), stderr, type);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void classifiesByStderr(String verb, String stderr, Class<? extends ZfsException> type) {
    ZfsException e = ZfsErrorClassifier.classify(verb, "p/fs@s", List.of("zfs", verb), 1, stderr);

    assertThat(e).isInstanceOf(type);
    assertThat(e.getMessage()).startsWith("zfs " + verb + " p/fs@s: ").doesNotContain("\n");
    assertThat(e.stderr()).isEqualTo(stderr);
    assertThat(e.command()).containsExactly("zfs", verb);
  }
}
