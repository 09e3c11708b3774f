package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.zfs.PortTransfers.pipe;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepResult;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.prune.KeepReason;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.PruneSummary;
import org.zfleet.prune.SnapshotDecision;
import org.zfleet.replication.PruneFilesystem;

/**
 * The {@link ZfsPortContract} against a real ZFS through {@link ZfsCli}, whose capabilities are
 * probed as in production: each subclass names the ZFS. Each test has its own instance, fixture and
 * scratch filesystems, so a subclass may run its tests concurrently ({@code @Execution}); the
 * adapter, one per subclass, is shared.
 */
abstract class RealZfsPortContract extends ZfsPortCapabilityContract {

  private record Connected(RealZfs real, ZfsCli zfs) {}

  private static final Map<Class<?>, Connected> CONNECTED = new ConcurrentHashMap<>();

  private RealZfs real;
  private ZfsCli zfs;
  private RealZfsFixture fixture;
  private DatasetName scratch;
  private DatasetName otherScratch;

  /** The ZFS under test; fails the test, saying what to run, when it is not there. */
  abstract RealZfs connect();

  /** Connects (once per subclass), then makes this test's scratch filesystems. */
  @BeforeEach
  void realZfsAndScratch(TestInfo test) {
    Connected connected =
        CONNECTED.computeIfAbsent(
            getClass(),
            c -> {
              RealZfs zfs = connect();
              zfs.requirePools();
              return new Connected(zfs, ZfsCli.create(zfs.cliConfig()));
            });
    real = connected.real();
    zfs = connected.zfs();
    fixture = new RealZfsFixture(real);
    String prefix = getClass().getSimpleName() + "-" + test.getTestMethod().orElseThrow().getName();
    scratch = fixture.scratch(real.pool1(), prefix);
    otherScratch = fixture.scratch(real.pool2(), prefix);
  }

  @AfterAll
  static void close(TestInfo test) {
    Connected connected = CONNECTED.remove(test.getTestClass().orElseThrow());
    if (connected != null) {
      connected.zfs().close();
    }
  }

  @AfterEach
  void cleanUp() {
    fixture.destroyAll();
  }

  // ---- the probe against the command line itself

  @Test
  void eachProbedCapabilityAgreesWithWhatTheCommandLineDoes() {
    DatasetName fs = scratch();
    String s = fs.snapshot("s").full();
    real.zfs("snapshot", s);
    ZfsCapabilities probed = port().capabilities();

    assertThat(works("zfs", "bookmark", s, fs.value() + "#b"))
        .as("bookmarks")
        .isEqualTo(probed.bookmarks());
    real.zfs("create", fs.child("c").value());
    assertThat(works("zfs", "snapshot", fs.value() + "@m1", fs.child("c").value() + "@m1"))
        .as("several snapshots per command")
        .isEqualTo(probed.multipleSnapshotsPerCommand());
    real.zfs("snapshot", fs.value() + "@m2");
    real.zfs("snapshot", fs.value() + "@m3");
    assertThat(works("zfs", "destroy", fs.value() + "@m2,m3"))
        .as("destroy lists")
        .isEqualTo(probed.destroySnapshotList());
    assertThat(works("zfs", "list", "-p", "-H", "-o", "name", fs.value()))
        .as("list -p")
        .isEqualTo(probed.listParsable());
    assertThat(works("zfs", "holds", "-H", s)).as("zfs holds").isEqualTo(probed.holdsCommand());
    assertThat(works("zfs", "get", "-H", "-o", "value", "encryption", fs.value()))
        .as("encryption")
        .isEqualTo(probed.encryption());
    assertThat(sendWorks("-n -P", s)).as("send -nP").isEqualTo(probed.sendSizeEstimate());
    for (SendFlag flag : SendFlag.values()) {
      assertThat(sendWorks(flag.option(), s))
          .as("send %s", flag.option())
          .isEqualTo(probed.sendFlags().contains(flag));
    }
    RealZfsFixture.Result abort = real.run(List.of("zfs", "receive", "-A", fs.value()));
    assertThat(abort.output().contains("resumable receive state"))
        .as("receive -A: %s", abort.output())
        .isEqualTo(probed.resumableReceive());
  }

  private boolean works(String... command) {
    return real.run(List.of(command)).code() == 0;
  }

  /** Whether {@code zfs send OPTIONS SNAPSHOT} runs, its stream dropped where the ZFS runs. */
  private boolean sendWorks(String options, String snapshot) {
    return real.run(
                List.of("sh", "-c", "zfs send " + options + " \"$1\" > /dev/null", "sh", snapshot))
            .code()
        == 0;
  }

  // ---- encryption: only real ZFS has it (the model does not model keys)

  @Test
  void anEncryptedSourceWithoutItsKeyIsSentOnlyRawAndTheReceiverNeverNeedsTheKey() {
    DatasetName enc = scratch().child("enc");
    DatasetName plainCopy = otherScratch().child("plain");
    DatasetName rawCopy = otherScratch().child("raw");
    if (!port().capabilities().encryption()) {
      assertThatThrownBy(() -> port().createFilesystem(enc, PROMPTED_KEY, false))
          .isInstanceOf(ZfsException.Unsupported.class);
      assertThat(port().list(List.of(enc), Set.of())).isEmpty();
      return;
    }
    port().createFilesystem(enc, encryptedProperties(), false);
    byte[] data = randomBytes(200_000, 20);
    writeFile(enc, "data", data);
    port().snapshot(List.of(enc), "a");
    pipe(port(), SendRequest.full(enc.snapshot("a")), ReceiveRequest.into(plainCopy));
    writeFile(enc, "more", bytes("more"));
    port().snapshot(List.of(enc), "b");
    real.zfs("unmount", enc.value());
    real.zfs("unload-key", enc.value());

    assertThatThrownBy(
            () ->
                pipe(
                    port(),
                    SendRequest.incremental(version(enc, "a"), enc.snapshot("b")),
                    ReceiveRequest.into(plainCopy)))
        .isInstanceOf(ZfsException.Encryption.class)
        .hasMessageContaining("key must be loaded");
    assertThat(versions(plainCopy)).extracting(FilesystemVersion::name).containsExactly("a");

    // Raw: the stream carries the encrypted blocks; the replica stays locked, the data intact.
    SendRequest raw = SendRequest.full(enc.snapshot("a")).withFlags(Set.of(SendFlag.RAW));
    pipe(port(), raw, ReceiveRequest.into(rawCopy));
    assertThat(property(rawCopy, "encryption")).isNotEqualTo("off");
    assertThat(property(rawCopy, "keystatus")).isEqualTo("unavailable");
    assertThat(property(rawCopy, "encryptionroot")).isEqualTo(rawCopy.value());
    assertThat(versions(rawCopy))
        .extracting(FilesystemVersion::guid)
        .containsExactly(version(enc, "a").guid());

    // A raw increment cannot land on the replica that was received decrypted: typed, unchanged.
    SendRequest rawIncrement =
        SendRequest.incremental(version(enc, "a"), enc.snapshot("b"))
            .withFlags(Set.of(SendFlag.RAW));
    assertThatThrownBy(() -> pipe(port(), rawIncrement, ReceiveRequest.into(plainCopy)))
        .isInstanceOf(ZfsException.Encryption.class)
        .hasMessageContaining(plainCopy.value());
    assertThat(versions(plainCopy)).extracting(FilesystemVersion::name).containsExactly("a");
    assertThat(readFile(plainCopy, "data")).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
    pipe(port(), rawIncrement, ReceiveRequest.into(rawCopy));
    assertThat(versions(rawCopy)).extracting(FilesystemVersion::name).containsExactly("a", "b");
  }

  @Test
  void aRawStreamIntoAnUnencryptedParentBecomesItsOwnEncryptionRoot() {
    DatasetName enc = scratch().child("enc");
    if (!port().capabilities().encryption()) {
      assertThatThrownBy(() -> port().createFilesystem(enc, PROMPTED_KEY, false))
          .isInstanceOf(ZfsException.Unsupported.class);
      return;
    }
    port().createFilesystem(enc, encryptedProperties(), false);
    port().snapshot(List.of(enc), "a");
    DatasetName plainParent = otherScratch().child("plain");
    port().createFilesystem(plainParent, Map.of(), false);
    DatasetName copy = plainParent.child("copy");

    pipe(
        port(),
        SendRequest.full(enc.snapshot("a")).withFlags(Set.of(SendFlag.RAW)),
        ReceiveRequest.into(copy));

    assertThat(property(plainParent, "encryption")).isEqualTo("off");
    assertThat(property(copy, "encryptionroot")).isEqualTo(copy.value());
    assertThat(property(copy, "keystatus")).isEqualTo("unavailable");
  }

  // ---- pruning

  /**
   * Pruning on this ZFS: one {@code zfs destroy fs@a,b,c} where it takes a list (OpenZFS), one
   * command per snapshot where not; a held snapshot stays (OpenZFS refuses the whole list then, and
   * each of the others goes on its own) and is left for the next cycle.
   */
  @Test
  void pruningDestroysAFilesystemsSnapshotsInOneCommandWhereTheZfsTakesAList() {
    DatasetName fs = scratch();
    for (String s : List.of("a", "b", "c", "d", "e", "f")) {
      port().snapshot(List.of(fs), s);
    }
    List<String> destroys = new CopyOnWriteArrayList<>();
    try (ZfsCli own = ZfsCli.create(real.cliConfig())) {
      own.commandListener(
          (command, took, succeeded) -> {
            if (command.size() > 1 && command.get(1).equals("destroy")) {
              destroys.add(String.join(" ", command.subList(1, command.size())));
            }
          });

      StepResult all =
          new PruneFilesystem("local", fs, destroyAllBut(fs, "c"), own::destroySnapshots)
              .run(new StepControl());

      assertThat(all.summary()).isEqualTo("local " + fs + ": destroyed 2, kept 4");
      assertThat(destroys).hasSize(own.capabilities().destroySnapshotList() ? 1 : 2);
      assertThat(versions(fs))
          .extracting(FilesystemVersion::name)
          .containsExactly("c", "d", "e", "f");

      destroys.clear();
      port().hold(fs.snapshot("d"), "zfleet_test");
      try {
        StepResult held =
            new PruneFilesystem("local", fs, destroyAllBut(fs, "f"), own::destroySnapshots)
                .run(new StepControl());
        assertThat(held.summary())
            .isEqualTo(
                "local " + fs + ": destroyed 2, kept 1, left for next cycle: d (busy or held)");
        assertThat(versions(fs)).extracting(FilesystemVersion::name).containsExactly("d", "f");
      } finally {
        port().release(fs.snapshot("d"), "zfleet_test");
      }
    }
  }

  /** Keep rules' verdict that destroys every snapshot of {@code fs} except {@code kept}. */
  private PruneOutcome destroyAllBut(DatasetName fs, String kept) {
    List<FilesystemVersion> versions = versions(fs);
    List<SnapshotDecision> decisions =
        versions.stream()
            .map(
                v ->
                    v.name().compareTo(kept) < 0
                        ? (SnapshotDecision) new SnapshotDecision.Destroy(v)
                        : new SnapshotDecision.Keep(v, List.of(new KeepReason.Youngest())))
            .toList();
    long destroyed = decisions.stream().filter(d -> d instanceof SnapshotDecision.Destroy).count();
    return new PruneOutcome.Evaluated(
        decisions,
        new PruneSummary(
            versions.size(), versions.size() - (int) destroyed, (int) destroyed, List.of()));
  }

  private static final Map<String, String> PROMPTED_KEY =
      Map.of("encryption", "on", "keyformat", "passphrase", "keylocation", "prompt");

  /** A passphrase in a file where the ZFS runs, unique to this test. */
  private Map<String, String> encryptedProperties() {
    String keyFile = "/tmp/" + scratch().value().replace('/', '_') + ".key";
    RealZfsFixture.Result r =
        real.run(
            List.of("sh", "-c", "printf '%s' 'zfleet test passphrase' > \"$1\"", "sh", keyFile));
    assertThat(r.code()).as("writing %s: %s", keyFile, r.output()).isZero();
    return Map.of(
        "encryption", "on", "keyformat", "passphrase", "keylocation", "file://" + keyFile);
  }

  private String property(DatasetName fs, String property) {
    return real.zfs("get", "-H", "-o", "value", property, fs.value()).strip();
  }

  /** The real ZFS, for commands run directly (never through the code under test). */
  protected RealZfs real() {
    return real;
  }

  @Override
  protected ZfsCli port() {
    return zfs;
  }

  @Override
  protected DatasetName scratch() {
    return scratch;
  }

  @Override
  protected DatasetName otherScratch() {
    return otherScratch;
  }

  /** Received replicas are read-only and unmounted: a test that changes one makes it writable. */
  @Override
  protected void writeFile(DatasetName filesystem, String name, byte[] data) {
    if (property(filesystem, "readonly").equals("on")) {
      real.zfs("set", "readonly=off", filesystem.value());
    }
    mounted(filesystem);
    real.writeFile(filesystem, name, data);
  }

  @Override
  protected Optional<byte[]> readFile(DatasetName filesystem, String name) {
    mounted(filesystem);
    return real.readFile(filesystem, name);
  }

  private void mounted(DatasetName filesystem) {
    if (property(filesystem, "mounted").equals("no")) {
      RealZfsFixture.Result r = real.run(List.of("zfs", "mount", filesystem.value()));
      assertThat(r.code()).as("zfs mount " + filesystem + ": " + r.output()).isZero();
    }
  }
}
