package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.zfs.ModelHooks.Op;

/** The model's test hooks and the properties the contract cannot see (seeds, clock, counts). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InMemoryZfsHooksTest {

  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.678Z");
  private static final DatasetName FS = DatasetName.of("src/fs");
  private static final DatasetName TARGET = DatasetName.of("dst/fs");

  private static InMemoryZfs model(ZfsCapabilities capabilities) {
    InMemoryZfs zfs =
        new InMemoryZfs(Clock.fixed(T0, ZoneOffset.UTC), 7, capabilities).createPools("src", "dst");
    zfs.createFilesystem(FS, Map.of(), false);
    return zfs;
  }

  @Test
  void guidsFollowTheSeedAndCreationTheClockInWholeSeconds() {
    InMemoryZfs a = model(ZfsCapabilities.zfsFuse());
    InMemoryZfs b = model(ZfsCapabilities.zfsFuse());
    a.snapshot(List.of(FS), "s");
    b.snapshot(List.of(FS), "s");

    FilesystemVersion va = a.list(List.of(FS), Set.of()).get(0).versions().get(0);
    FilesystemVersion vb = b.list(List.of(FS), Set.of()).get(0).versions().get(0);
    assertThat(va.guid()).isEqualTo(vb.guid());
    assertThat(va.creation()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
  }

  @Test
  void countsCommandsAsTheCliWouldRunThem() {
    InMemoryZfs fuse = model(ZfsCapabilities.zfsFuse());
    InMemoryZfs open = model(ZfsCapabilities.openZfs());
    for (InMemoryZfs zfs : List.of(fuse, open)) {
      zfs.createFilesystem(FS.child("a"), Map.of(), false);
      zfs.createFilesystem(FS.child("b"), Map.of(), false);
      zfs.hooks().resetCounts();
      zfs.snapshot(List.of(FS, FS.child("a"), FS.child("b")), "s");
      zfs.list(List.of(FS), Set.of("zfleet:x"));
    }

    assertThat(fuse.hooks().count(Op.SNAPSHOT)).isEqualTo(3);
    assertThat(open.hooks().count(Op.SNAPSHOT)).isEqualTo(1);
    assertThat(fuse.hooks().count(Op.LIST)).isEqualTo(1);
    assertThat(fuse.hooks().totalCount()).isEqualTo(4);
  }

  @Test
  void failsTheNextCommandsOfAKindThenRecovers() {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse());
    zfs.hooks().failNext(Op.SNAPSHOT, 2, m -> new ZfsException.Busy(m, List.of(), "injected"));

    assertThatThrownBy(() -> zfs.snapshot(List.of(FS), "s")).isInstanceOf(ZfsException.Busy.class);
    assertThatThrownBy(() -> zfs.snapshot(List.of(FS), "s")).isInstanceOf(ZfsException.Busy.class);
    zfs.snapshot(List.of(FS), "s");
    assertThat(zfs.list(List.of(FS), Set.of()).get(0).versions()).hasSize(1);
  }

  @Test
  void anInjectedSendFailureCutsTheStreamAndTheReceiveChangesNothing() {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse());
    zfs.writeFile(FS, "f", new byte[1000]);
    zfs.snapshot(List.of(FS), "s");
    zfs.hooks().failNext(Op.SEND, 1);

    assertThatThrownBy(
            () ->
                PortTransfers.pipe(
                    zfs, SendRequest.full(FS.snapshot("s")), ReceiveRequest.into(TARGET)))
        .isInstanceOf(ZfsException.Failed.class);
    assertThat(zfs.exists(TARGET)).isFalse();
    zfs.hooks().failNext(Op.RECEIVE, 1);
    assertThatThrownBy(
            () ->
                PortTransfers.pipe(
                    zfs, SendRequest.full(FS.snapshot("s")), ReceiveRequest.into(TARGET)))
        .isInstanceOf(ZfsException.Failed.class);
    assertThat(zfs.exists(TARGET)).isFalse();
    PortTransfers.pipe(zfs, SendRequest.full(FS.snapshot("s")), ReceiveRequest.into(TARGET));
    assertThat(zfs.contentChecksum(TARGET)).isEqualTo(zfs.contentChecksum(FS.snapshot("s")));
  }

  @Test
  void aStalledSendWaitsMidStreamUntilReleased() throws Exception {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse());
    zfs.writeFile(FS, "f", new byte[10_000]);
    zfs.snapshot(List.of(FS), "s");
    zfs.hooks().stallSends();

    CompletableFuture<Void> transfer =
        CompletableFuture.runAsync(
            () ->
                PortTransfers.pipe(
                    zfs, SendRequest.full(FS.snapshot("s")), ReceiveRequest.into(TARGET)));
    assertThat(zfs.hooks().awaitStalledSends(1, Duration.ofSeconds(10))).isTrue();
    assertThat(transfer).isNotDone();
    assertThat(zfs.exists(TARGET)).isFalse();

    zfs.hooks().releaseSends();
    transfer.get(10, TimeUnit.SECONDS);
    assertThat(zfs.contentChecksum(TARGET)).isEqualTo(zfs.contentChecksum(FS));
  }

  @Test
  void killingAStalledSendEndsItsStreamAndFailsIt() throws Exception {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse());
    zfs.writeFile(FS, "f", new byte[10_000]);
    zfs.snapshot(List.of(FS), "s");
    zfs.hooks().stallSends();
    SendProcess send = zfs.send(SendRequest.full(FS.snapshot("s")));

    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = send.stdout()) {
                return in.readAllBytes();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(zfs.hooks().awaitStalledSends(1, Duration.ofSeconds(10))).isTrue();
    send.kill();

    assertThat(read.get(10, TimeUnit.SECONDS).length).isLessThan(10_000);
    assertThat(PortTransfers.await(send.completion()))
        .isInstanceOf(ZfsException.StreamFailed.class);
  }

  @Test
  void aKilledReceiveChangesNothing() throws Exception {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse());
    zfs.snapshot(List.of(FS), "s");
    byte[] stream = PortTransfers.sendBytes(zfs, SendRequest.full(FS.snapshot("s")));

    ReceiveProcess receive = zfs.receive(ReceiveRequest.into(TARGET));
    receive.stdin().write(stream);
    receive.kill();

    receive.stdin().close();
    assertThat(PortTransfers.await(receive.completion()))
        .isInstanceOf(ZfsException.StreamFailed.class);
    assertThat(zfs.exists(TARGET)).isFalse();
  }

  @Test
  void slowSendsHandOutSmallChunks() throws Exception {
    InMemoryZfs zfs = model(ZfsCapabilities.zfsFuse());
    zfs.writeFile(FS, "f", new byte[100]);
    zfs.snapshot(List.of(FS), "s");
    zfs.hooks().slowSends(16, Duration.ofMillis(1));

    SendProcess send = zfs.send(SendRequest.full(FS.snapshot("s")));
    byte[] buffer = new byte[1000];
    assertThat(send.stdout().read(buffer)).isEqualTo(16);
    send.kill();
  }
}
