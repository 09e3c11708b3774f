package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.zfs.PortTransfers.pipe;
import static org.zfleet.zfs.PortTransfers.receiveBytes;
import static org.zfleet.zfs.PortTransfers.sendBytes;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;

/**
 * The part of the {@link ZfsPortContract} that depends on what the ZFS can do: each test reads the
 * port's probed {@link ZfsCapabilities} and checks that the feature works where it is claimed and
 * is refused (typed, with nothing changed) or done the older way where it is not. No test names an
 * implementation: the same tests run on the model with either set of capabilities, on zfs-fuse and
 * on OpenZFS.
 */
public abstract class ZfsPortCapabilityContract extends ZfsPortContract {

  // ---- several snapshots per destroy

  @Test
  void destroyingSeveralSnapshotsDestroysWhatCanGoAndSaysWhyTheOthersCannot() {
    DatasetName fs = scratch();
    for (String s : List.of("s1", "s2", "s3", "s4")) {
      port().snapshot(List.of(fs), s);
    }
    port().hold(fs.snapshot("s2"), "zfleet_keep");
    try {
      DestroyResult result = port().destroySnapshots(fs, List.of("s1", "s2", "s3", "missing"));

      assertThat(result.destroyed()).containsExactlyInAnyOrder("s1", "s3");
      assertThat(result.failed()).containsOnlyKeys("s2", "missing");
      assertThat(result.failed().get("s2")).isInstanceOf(ZfsException.Busy.class);
      assertThat(result.failed().get("missing")).isInstanceOf(ZfsException.NotFound.class);
      assertThat(versions(fs)).extracting(FilesystemVersion::name).containsExactly("s2", "s4");
    } finally {
      port().release(fs.snapshot("s2"), "zfleet_keep");
    }

    DestroyResult rest = port().destroySnapshots(fs, List.of("s4", "s2"));
    assertThat(rest.destroyed()).containsExactlyInAnyOrder("s2", "s4");
    assertThat(rest.failed()).isEmpty();
    assertThat(versions(fs)).isEmpty();
    assertThat(port().destroySnapshots(fs, List.of()).destroyed()).isEmpty();
  }

  @Test
  void destroyingSnapshotsOfAMissingFilesystemFailsEachAsNotFound() {
    DatasetName missing = scratch().child("missing");

    DestroyResult result = port().destroySnapshots(missing, List.of("a", "b"));

    assertThat(result.destroyed()).isEmpty();
    assertThat(result.failed().values()).allMatch(e -> e instanceof ZfsException.NotFound);
    assertThat(result.failed()).containsOnlyKeys("a", "b");
  }

  // ---- send size estimates

  @Test
  void theSendSizeEstimateIsNearTheStreamOrAbsent() {
    DatasetName fs = scratch();
    writeFile(fs, "data", randomBytes(300_000, 7));
    port().snapshot(List.of(fs), "a");
    writeFile(fs, "more", randomBytes(100_000, 8));
    port().snapshot(List.of(fs), "b");
    SendRequest full = SendRequest.full(fs.snapshot("a"));
    SendRequest increment = SendRequest.incremental(version(fs, "a"), fs.snapshot("b"));

    OptionalLong fullEstimate = port().estimateSendSize(full);
    OptionalLong incrementEstimate = port().estimateSendSize(increment);

    if (!port().capabilities().sendSizeEstimate()) {
      assertThat(fullEstimate).isEmpty();
      assertThat(incrementEstimate).isEmpty();
      return;
    }
    long fullBytes = sendBytes(port(), full).length;
    long incrementBytes = sendBytes(port(), increment).length;
    assertThat(fullEstimate.getAsLong()).isBetween(fullBytes / 2, fullBytes * 2);
    assertThat(incrementEstimate.getAsLong()).isBetween(incrementBytes / 2, incrementBytes * 2);
  }

  // ---- send flags

  @Test
  void eachSendFlagIsUsedWhereZfsHasItAndRefusedBeforeSendingWhereNot() {
    DatasetName src = scratch();
    byte[] data = randomBytes(200_000, 9);
    writeFile(src, "data", data);
    port().snapshot(List.of(src), "a");
    for (SendFlag flag : SendFlag.values()) {
      DatasetName target = otherScratch().child("copy-" + flag.zreplName().replace('_', '-'));
      SendRequest request = SendRequest.full(src.snapshot("a")).withFlags(Set.of(flag));
      if (port().capabilities().sendFlags().contains(flag)) {
        pipe(port(), request, ReceiveRequest.into(target));
        assertThat(readFile(target, "data"))
            .as("received with %s", flag)
            .hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
        assertThat(port().estimateSendSize(request).isPresent())
            .isEqualTo(port().capabilities().sendSizeEstimate());
      } else {
        assertThatThrownBy(() -> port().send(request))
            .as("send with %s", flag)
            .isInstanceOf(ZfsException.Unsupported.class)
            .hasMessageContaining(flag.option());
        assertThatThrownBy(() -> port().estimateSendSize(request))
            .isInstanceOf(ZfsException.Unsupported.class);
        assertThat(port().list(List.of(target), Set.of())).isEmpty();
      }
    }
  }

  // ---- bookmarks

  @Test
  void bookmarksAreListedWithTheirSnapshotsIdentityAndRemainAnIncrementalSource() {
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    SnapshotName a = src.snapshot("a");
    writeFile(src, "f", bytes("one"));
    port().snapshot(List.of(src), "a");
    if (!port().capabilities().bookmarks()) {
      assertThatThrownBy(() -> port().bookmark(a, "a"))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThatThrownBy(() -> port().destroyBookmark(src, "a"))
          .isInstanceOf(ZfsException.Unsupported.class);
      FilesystemVersion made = FilesystemVersion.bookmark("a", 1, 1, java.time.Instant.EPOCH);
      assertThatThrownBy(() -> port().send(SendRequest.incremental(made, src.snapshot("a"))))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThat(versions(src)).extracting(FilesystemVersion::relativeName).containsExactly("@a");
      return;
    }
    port().bookmark(a, "a");
    List<FilesystemVersion> listed = versions(src);
    assertThat(listed).extracting(FilesystemVersion::relativeName).containsExactly("@a", "#a");
    assertThat(listed.get(1).guid()).isEqualTo(listed.get(0).guid());
    assertThat(listed.get(1).createTxg()).isEqualTo(listed.get(0).createTxg());
    assertThat(listed.get(1).creation()).isEqualTo(listed.get(0).creation());
    assertThatThrownBy(() -> port().bookmark(a, "a"))
        .isInstanceOf(ZfsException.AlreadyExists.class);
    pipe(port(), SendRequest.full(a), ReceiveRequest.into(target));

    // The snapshot goes; its bookmark still serves as the base of the next increment.
    port().destroySnapshot(a);
    writeFile(src, "f", bytes("two"));
    port().snapshot(List.of(src), "b");
    FilesystemVersion bookmark = version(src, "a");
    assertThat(bookmark.kind()).isEqualTo(FilesystemVersion.Kind.BOOKMARK);
    pipe(port(), SendRequest.incremental(bookmark, src.snapshot("b")), ReceiveRequest.into(target));

    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "b");
    assertThat(text(readFile(target, "f"))).isEqualTo("two");
    port().destroyBookmark(src, "a");
    assertThat(versions(src)).extracting(FilesystemVersion::relativeName).containsExactly("@b");
    assertThatThrownBy(() -> port().destroyBookmark(src, "a"))
        .isInstanceOf(ZfsException.NotFound.class);
  }

  @Test
  void aCursorBookmarkNamedAsZfleetNamesItOutlivesItsReleasedSnapshotBesideANewerOne() {
    if (!port().capabilities().bookmarks()) {
      return; // refused above
    }
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    port().snapshot(List.of(src), "a");
    SnapshotName a = src.snapshot("a");
    long guid = version(src, "a").guid();
    // The form ReplicationMarks writes for an ambiguous job name: '.', ':' and the guid in hex.
    String cursorA = "zfleet_cursor.:5:daily.sink_" + String.format("%016x", guid);
    port().hold(a, "zfleet_step.:5:daily.sink");
    port().bookmark(a, cursorA);
    pipe(port(), SendRequest.full(a), ReceiveRequest.into(target));
    assertThatThrownBy(() -> port().destroySnapshot(a)).isInstanceOf(ZfsException.class);
    port().release(a, "zfleet_step.:5:daily.sink");
    port().destroySnapshot(a);

    writeFile(src, "f", bytes("two"));
    port().snapshot(List.of(src), "b");
    SnapshotName b = src.snapshot("b");
    pipe(port(), SendRequest.incremental(version(src, cursorA), b), ReceiveRequest.into(target));
    String cursorB =
        "zfleet_cursor.:5:daily.sink_" + String.format("%016x", version(src, "b").guid());
    port().bookmark(b, cursorB);
    port().destroyBookmark(src, cursorA);

    assertThat(versions(src))
        .extracting(FilesystemVersion::relativeName)
        .containsExactly("@b", "#" + cursorB);
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "b");
    assertThat(text(readFile(target, "f"))).isEqualTo("two");
  }

  // ---- resumable receive

  @Test
  void resumableReceiveIsRefusedWithoutTheCapability() {
    if (port().capabilities().resumableReceive()) {
      return; // the tests below cover it
    }
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    port().snapshot(List.of(src), "a");

    assertThatThrownBy(
            () ->
                pipe(
                    port(),
                    SendRequest.full(src.snapshot("a")),
                    ReceiveRequest.into(target).asResumable()))
        .isInstanceOf(ZfsException.Unsupported.class);
    assertThat(port().resumeToken(otherScratch())).isEmpty();
    assertThatThrownBy(() -> port().abortResumableReceive(otherScratch()))
        .isInstanceOf(ZfsException.Unsupported.class);
    assertThatThrownBy(() -> port().resumeSend(ResumeToken.of("1-a-b-c")))
        .isInstanceOf(ZfsException.Unsupported.class);
    assertThat(port().decodeResumeToken("1-a-b-c")).isEmpty();
    assertThatThrownBy(() -> port().list(List.of(src), Set.of(DatasetListing.RESUME_TOKEN)))
        .isInstanceOf(ZfsException.Unsupported.class);
    assertThat(port().list(List.of(target), Set.of())).isEmpty();
  }

  @Test
  void anInterruptedFullReceiveResumesFromItsTokenWithTheSameData() {
    if (!port().capabilities().resumableReceive()) {
      return;
    }
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    byte[] data = randomBytes(700_000, 10);
    writeFile(src, "data", data);
    port().snapshot(List.of(src), "a");
    byte[] stream = sendBytes(port(), SendRequest.full(src.snapshot("a")));

    assertThatThrownBy(() -> receiveCut(target, stream))
        .isInstanceOf(ZfsException.StreamFailed.class);
    ResumeToken token = port().resumeToken(target).orElseThrow();

    assertThat(token.toGuid()).hasValue(version(src, "a").guid());
    assertThat(token.toName()).contains(src.snapshot("a").full());
    assertThat(token.fromGuid()).isEmpty();
    assertThat(token.bytes()).isPositive().isLessThanOrEqualTo(stream.length / 2);
    // A sender reads a token that came from another node itself, and reads the same.
    assertThat(port().decodeResumeToken(token.token())).contains(token);
    // The interrupted receive's filesystem is there, without snapshots, until it completes; a
    // listing that asks says it holds a partial receive.
    assertThat(versions(target)).isEmpty();
    assertThat(
            port().list(List.of(target), Set.of(DatasetListing.RESUME_TOKEN)).stream()
                .filter(d -> d.name().equals(target))
                .findFirst()
                .orElseThrow()
                .properties())
        .containsEntry(DatasetListing.RESUME_TOKEN, token.token());
    byte[] rest = PortTransfers.bytesOf(port().resumeSend(token));
    // It continues, it does not start over (ZFS resumes at the last whole record it wrote).
    assertThat(rest.length).isLessThan(stream.length);
    receiveBytes(port(), ReceiveRequest.into(target).asResumable(), rest);

    assertThat(port().resumeToken(target)).isEmpty();
    assertThat(versions(target))
        .extracting(FilesystemVersion::guid)
        .containsExactly(version(src, "a").guid());
    assertThat(readFile(target, "data")).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
    System.out.printf(
        "%s: full stream of %d bytes cut at %d; %d bytes had arrived, the resumed stream sent %d%n",
        getClass().getSimpleName(), stream.length, stream.length / 2, token.bytes(), rest.length);
  }

  @Test
  void anInterruptedIncrementalKeepsTheTargetAsItWasAndResumesOrIsAborted() {
    if (!port().capabilities().resumableReceive()) {
      return;
    }
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    writeFile(src, "small", bytes("before"));
    port().snapshot(List.of(src), "a");
    pipe(port(), SendRequest.full(src.snapshot("a")), ReceiveRequest.into(target));
    byte[] data = randomBytes(700_000, 11);
    writeFile(src, "data", data);
    port().snapshot(List.of(src), "b");
    SendRequest increment = SendRequest.incremental(version(src, "a"), src.snapshot("b"));
    byte[] stream = sendBytes(port(), increment);

    assertThatThrownBy(() -> receiveCut(target, stream))
        .isInstanceOf(ZfsException.StreamFailed.class);
    ResumeToken token = port().resumeToken(target).orElseThrow();
    assertThat(token.fromGuid()).hasValue(version(src, "a").guid());
    assertThat(token.toGuid()).hasValue(version(src, "b").guid());
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a");
    assertThat(text(readFile(target, "small"))).isEqualTo("before");
    // A new stream cannot replace the partial state: resume it or abort it.
    assertThatThrownBy(() -> pipe(port(), increment, new ReceiveRequest(target, true, Map.of())))
        .isInstanceOf(ZfsException.PartialReceive.class)
        .hasMessageContaining(target.value());

    port().abortResumableReceive(target);
    assertThat(port().resumeToken(target)).isEmpty();
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a");
    assertThatThrownBy(() -> port().abortResumableReceive(target))
        .isInstanceOf(ZfsException.NotFound.class);
    // The old token's stream no longer fits anything on the target: refused, nothing changed.
    assertThatThrownBy(
            () ->
                receiveBytes(
                    port(),
                    ReceiveRequest.into(target).asResumable(),
                    PortTransfers.bytesOf(port().resumeSend(token))))
        .isInstanceOf(ZfsException.ResumeFailed.class);
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a");

    assertThatThrownBy(() -> receiveCut(target, stream))
        .isInstanceOf(ZfsException.StreamFailed.class);
    ResumeToken again = port().resumeToken(target).orElseThrow();
    receiveBytes(
        port(),
        ReceiveRequest.into(target).asResumable(),
        PortTransfers.bytesOf(port().resumeSend(again)));
    assertThat(versions(target)).extracting(FilesystemVersion::name).containsExactly("a", "b");
    assertThat(readFile(target, "data")).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
  }

  @Test
  void abortingAnInterruptedFullReceiveRemovesTheFilesystemItWasCreating() {
    if (!port().capabilities().resumableReceive()) {
      return;
    }
    DatasetName src = scratch();
    DatasetName target = otherScratch().child("copy");
    writeFile(src, "data", randomBytes(500_000, 12));
    port().snapshot(List.of(src), "a");
    byte[] stream = sendBytes(port(), SendRequest.full(src.snapshot("a")));
    assertThatThrownBy(() -> receiveCut(target, stream))
        .isInstanceOf(ZfsException.StreamFailed.class);
    assertThat(port().list(List.of(target), Set.of())).hasSize(1);

    port().abortResumableReceive(target);

    assertThat(port().list(List.of(target), Set.of())).isEmpty();
    assertThat(port().list(List.of(otherScratch()), Set.of())).hasSize(1);
    assertThat(versions(src)).extracting(FilesystemVersion::name).containsExactly("a");
  }

  @Test
  void aResumeTokenOfAnotherStreamIsRefusedTypedAndDestroysNothing() {
    if (!port().capabilities().resumableReceive()) {
      return;
    }
    DatasetName x = scratch().child("x");
    DatasetName y = scratch().child("y");
    DatasetName targetX = otherScratch().child("x");
    DatasetName targetY = otherScratch().child("y");
    for (DatasetName fs : List.of(x, y)) {
      port().createFilesystem(fs, Map.of(), false);
      writeFile(fs, "data", randomBytes(500_000, fs.value().length()));
      port().snapshot(List.of(fs), "a");
    }
    byte[] streamX = sendBytes(port(), SendRequest.full(x.snapshot("a")));
    byte[] streamY = sendBytes(port(), SendRequest.full(y.snapshot("a")));
    assertThatThrownBy(() -> receiveCut(targetX, streamX))
        .isInstanceOf(ZfsException.StreamFailed.class);
    assertThatThrownBy(() -> receiveCut(targetY, streamY))
        .isInstanceOf(ZfsException.StreamFailed.class);
    ResumeToken tokenX = port().resumeToken(targetX).orElseThrow();
    ResumeToken tokenY = port().resumeToken(targetY).orElseThrow();

    byte[] restX = PortTransfers.bytesOf(port().resumeSend(tokenX));
    assertThatThrownBy(
            () -> receiveBytes(port(), ReceiveRequest.into(targetY).asResumable(), restX))
        .isInstanceOf(ZfsException.ResumeFailed.class)
        .hasMessageContaining(targetY.value());
    assertThatThrownBy(() -> PortTransfers.bytesOf(port().resumeSend(corrupted(tokenY))))
        .isInstanceOf(ZfsException.ResumeFailed.class);

    assertThat(port().resumeToken(targetY).map(ResumeToken::token)).contains(tokenY.token());
    assertThat(port().resumeToken(targetX).map(ResumeToken::token)).contains(tokenX.token());
    assertThat(versions(y)).extracting(FilesystemVersion::name).containsExactly("a");
    receiveBytes(
        port(),
        ReceiveRequest.into(targetY).asResumable(),
        PortTransfers.bytesOf(port().resumeSend(tokenY)));
    assertThat(versions(targetY))
        .extracting(FilesystemVersion::guid)
        .containsExactly(version(y, "a").guid());
  }

  /** A token of the same form with its checksum changed. */
  private static ResumeToken corrupted(ResumeToken token) {
    String[] parts = token.token().split("-");
    parts[1] = parts[1].equals("1") ? "2" : "1";
    return ResumeToken.of(String.join("-", parts));
  }

  /** A resumable receive of the first half of {@code stream}; throws its error. */
  private void receiveCut(DatasetName target, byte[] stream) {
    receiveBytes(
        port(),
        ReceiveRequest.into(target).asResumable(),
        Arrays.copyOf(stream, stream.length / 2));
  }
}
