package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * The command lines {@link ZfsCli} runs for OpenZFS's features, and how it reads their answers,
 * against a stand-in {@code zfs} that prints what OpenZFS 2.3.2 printed in the guest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZfsCliOpenZfsCommandsTest {

  @TempDir Path dir;

  private static final DatasetName FS = DatasetName.of("pool/fs");
  private static final String TOKEN =
      "1-cfb830367-e0-789c636064000310a501c49c50360710a715e5e7a69766a63040818ffac696437eb95";

  private static ZfsCli cli(FakeZfs fake, ZfsCapabilities capabilities) {
    Duration d = Duration.ofSeconds(20);
    return ZfsCli.withCapabilities(
        ZfsCliConfig.defaults().withBinaries(fake.binary(), Path.of("zpool")).withTimeouts(d, d, d),
        capabilities);
  }

  @Test
  void severalSnapshotsGoInOneDestroyWhereZfsTakesAList() {
    FakeZfs fake =
        FakeZfs.create(
            dir, "printf 'destroy\\tpool/fs@a\\ndestroy\\tpool/fs@c\\nreclaim\\t0\\n'; exit 0");
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      DestroyResult result = zfs.destroySnapshots(FS, List.of("a", "c", "gone"));

      assertThat(fake.calls()).containsExactly("destroy -p -v pool/fs@a,c,gone");
      assertThat(result.destroyed()).containsExactlyInAnyOrder("a", "c");
      assertThat(result.failed()).containsOnlyKeys("gone");
      assertThat(result.failed().get("gone")).isInstanceOf(ZfsException.NotFound.class);
    }
  }

  @Test
  void aListThatFailsIsDestroyedOneByOneToKeepWhatCannotGoAndLearnWhy() {
    // OpenZFS destroys a list all or nothing: one held snapshot stops the others.
    FakeZfs fake =
        FakeZfs.create(
            dir,
            String.join(
                "\n",
                "case \"$*\" in",
                "  'destroy -p -v '*) echo \"cannot destroy snapshot pool/fs@b: it's being held."
                    + " Run 'zfs holds -r pool/fs@b' to see holders.\" >&2; exit 1;;",
                "  'destroy pool/fs@b') echo \"cannot destroy 'pool/fs@b': dataset is busy\" >&2;"
                    + " exit 1;;",
                "esac"));
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      DestroyResult result = zfs.destroySnapshots(FS, List.of("a", "b", "c"));

      assertThat(fake.calls())
          .containsExactly(
              "destroy -p -v pool/fs@a,b,c",
              "destroy pool/fs@a",
              "destroy pool/fs@b",
              "destroy pool/fs@c");
      assertThat(result.destroyed()).containsExactlyInAnyOrder("a", "c");
      assertThat(result.failed().get("b")).isInstanceOf(ZfsException.Busy.class);
    }
  }

  @Test
  void withoutListsEachSnapshotHasItsOwnDestroy() {
    FakeZfs fake = FakeZfs.create(dir, "exit 0");
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.zfsFuse())) {
      assertThat(zfs.destroySnapshots(FS, List.of("a", "b")).destroyed())
          .containsExactlyInAnyOrder("a", "b");
      assertThat(zfs.destroySnapshots(FS, List.of("a", "a")).destroyed()).containsExactly("a");
    }
    assertThat(fake.calls())
        .containsExactly("destroy pool/fs@a", "destroy pool/fs@b", "destroy pool/fs@a");
  }

  @Test
  void longListsAreSplitBelowTheArgumentLimit() {
    List<String> names =
        IntStream.range(0, 3000).mapToObj(i -> "zfleet_20261206T12" + i + "Z").toList();

    List<List<String>> chunks = CliDestroy.chunks(FS, names);

    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(names);
    for (List<String> chunk : chunks) {
      assertThat((FS.value() + "@" + String.join(",", chunk)).length())
          .isLessThanOrEqualTo(CliDestroy.MAX_LIST_CHARS);
    }
  }

  @Test
  void sendFlagsComeInOneOrderAndABookmarkIsABase() {
    FakeZfs fake = FakeZfs.create(dir, "exit 0");
    FilesystemVersion bookmark = FilesystemVersion.bookmark("b", 7, 7, Instant.EPOCH);
    SendRequest request =
        SendRequest.incremental(bookmark, FS.snapshot("s"))
            .withFlags(Set.of(SendFlag.RAW, SendFlag.COMPRESSED, SendFlag.LARGE_BLOCKS));
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      assertThat(PortTransfers.bytesOf(zfs.send(request))).isEmpty();
    }
    assertThat(fake.calls()).containsExactly("send -c -L -w -i pool/fs#b pool/fs@s");
  }

  @Test
  void theEstimateIsTheSizeLineOfADryRun() {
    FakeZfs fake =
        FakeZfs.create(
            dir,
            "printf 'incremental\\tpool/fs@a\\tpool/fs@b\\t2013168\\nsize\\t2013168\\n'; exit 0");
    SendRequest increment =
        SendRequest.incremental(
                FilesystemVersion.snapshot("a", 1, 1, Instant.EPOCH), FS.snapshot("b"))
            .withFlags(Set.of(SendFlag.COMPRESSED));
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      assertThat(zfs.estimateSendSize(increment)).hasValue(2013168);
    }
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.zfsFuse())) {
      assertThat(zfs.estimateSendSize(SendRequest.full(FS.snapshot("b")))).isEmpty();
    }
    assertThat(fake.calls()).containsExactly("send -n -P -c -i pool/fs@a pool/fs@b");
  }

  @Test
  void aResumableReceiveAsksForS() {
    FakeZfs fake =
        FakeZfs.create(
            dir,
            "case $1 in\n"
                + "  get) echo \"cannot open '${@: -1}': dataset does not exist\" >&2; exit 1;;\n"
                + "  receive) cat > /dev/null;;\n"
                + "esac");
    byte[] stream = ZfsCliProcessTest.header(0);
    stream = java.util.Arrays.copyOf(stream, stream.length + ZfsCliProcessTest.end().length);
    System.arraycopy(ZfsCliProcessTest.end(), 0, stream, 312, ZfsCliProcessTest.end().length);
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      PortTransfers.receiveBytes(
          zfs, new ReceiveRequest(FS, true, java.util.Map.of()).asResumable(), stream);
    }
    assertThat(fake.calls())
        .filteredOn(c -> c.startsWith("receive"))
        .containsExactly("receive -u -F -s pool/fs");
  }

  @Test
  void aTokenIsReadAndDecodedByZfsEvenWhereItsSnapshotIsNotHere() {
    FakeZfs fake =
        FakeZfs.create(
            dir,
            String.join(
                "\n",
                "case \"$1\" in",
                "  get) echo '" + TOKEN + "';;",
                "  send) printf 'resume token contents:\\nnvlist version: 0\\n"
                    + "\\tfromguid = 0x5a6d4ec284b1274c\\n\\tobject = 0x3\\n\\toffset = 0xc0000\\n"
                    + "\\tbytes = 0xe1270\\n\\ttoguid = 0x69b99f9adb83366f\\n"
                    + "\\ttoname = src/fs@c\\n';",
                "    echo \"cannot resume send: 'src/fs@c' used in the initial send no longer"
                    + " exists\" >&2; exit 255;;",
                "esac"));
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      ResumeToken token = zfs.resumeToken(FS).orElseThrow();

      assertThat(token.token()).isEqualTo(TOKEN);
      assertThat(token.toGuid()).hasValue(0x69b99f9adb83366fL);
      assertThat(token.fromGuid()).hasValue(0x5a6d4ec284b1274cL);
      assertThat(token.toName()).contains("src/fs@c");
      assertThat(token.bytes()).isEqualTo(0xe1270);
    }
    assertThat(fake.calls())
        .containsExactly("get -H -o value receive_resume_token pool/fs", "send -n -v -t " + TOKEN);
  }

  @Test
  void noTokenIsEmptyAndAbortingNothingIsNotFound() {
    FakeZfs fake =
        FakeZfs.create(
            dir,
            String.join(
                "\n",
                "case \"$1\" in",
                "  get) echo '-';;",
                "  receive) echo \"'pool/fs' does not have any resumable receive state to abort\""
                    + " >&2; exit 1;;",
                "esac"));
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.openZfs())) {
      assertThat(zfs.resumeToken(FS)).isEmpty();
      assertThatThrownBy(() -> zfs.abortResumableReceive(FS))
          .isInstanceOf(ZfsException.NotFound.class)
          .hasMessageContaining("pool/fs");
      assertThat(PortTransfers.await(zfs.resumeSend(ResumeToken.of(TOKEN)).completion())).isNull();
    }
    assertThat(fake.calls())
        .containsExactly(
            "get -H -o value receive_resume_token pool/fs",
            "receive -A pool/fs",
            "send -t " + TOKEN);
  }

  @Test
  void withoutTheCapabilitiesNothingRunsAndEachIsRefusedTyped() {
    FakeZfs fake = FakeZfs.create(dir, "exit 0");
    SnapshotName s = FS.snapshot("s");
    try (ZfsCli zfs = cli(fake, ZfsCapabilities.zfsFuse())) {
      assertThatThrownBy(() -> zfs.send(SendRequest.full(s).withFlags(Set.of(SendFlag.RAW))))
          .isInstanceOf(ZfsException.Unsupported.class)
          .hasMessageContaining("-w");
      assertThatThrownBy(() -> zfs.receive(ReceiveRequest.into(FS).asResumable()))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThatThrownBy(() -> zfs.resumeSend(ResumeToken.of(TOKEN)))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThatThrownBy(() -> zfs.abortResumableReceive(FS))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThatThrownBy(() -> zfs.destroyBookmark(FS, "b"))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThatThrownBy(
              () ->
                  zfs.createFilesystem(
                      FS.child("enc"), java.util.Map.of("encryption", "on"), false))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThat(zfs.resumeToken(FS)).isEmpty();
    }
    assertThat(fake.calls()).isEmpty();
  }

  @Test
  void aTokenMustLookLikeOneBeforeItReachesACommandLine() {
    assertThatThrownBy(() -> ResumeToken.of("-t; rm -rf /"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid resume token");
    assertThatThrownBy(() -> ResumeToken.of("1-ABC-12-34"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ResumeToken.of(TOKEN).toString()).doesNotContain(TOKEN);
  }
}
