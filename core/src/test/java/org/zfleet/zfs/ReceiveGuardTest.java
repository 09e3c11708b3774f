package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.zfs.ReceiveTarget.Snapshot;
import org.zfleet.zfs.ReceiveTarget.Value;
import org.zfleet.zfs.SendStreamInspector.StreamStart;

/** Which streams may go into which targets, and what a replica needs afterwards. */
class ReceiveGuardTest {

  private static final StreamStart FULL = new StreamStart(false, "p/fs", "a", 0, 1);
  private static final StreamStart FROM_A = new StreamStart(false, "p/fs", "b", 1, 2);
  private static final StreamStart BATCH_FROM_A = new StreamStart(true, "p/fs", "b", 1, 2);

  private static ReceiveTarget target(Snapshot... snapshots) {
    return new ReceiveTarget(true, List.of(snapshots), Map.of());
  }

  private static final ReceiveTarget EMPTY = target();
  private static final ReceiveTarget AT_A = target(new Snapshot("a", 1, 10));
  private static final ReceiveTarget A_THEN_LOCAL =
      target(new Snapshot("a", 1, 10), new Snapshot("local", 9, 11));

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("full into a new target", FULL, ReceiveTarget.ABSENT, false, null),
        Arguments.of(
            "increment into a missing target", FROM_A, ReceiveTarget.ABSENT, false, "NotFound"),
        Arguments.of(
            "batch into a missing target", BATCH_FROM_A, ReceiveTarget.ABSENT, false, "NotFound"),
        Arguments.of("increment on its base", FROM_A, AT_A, false, null),
        Arguments.of("forced increment on its base", FROM_A, AT_A, true, null),
        Arguments.of("batch on its base", BATCH_FROM_A, AT_A, false, null),
        Arguments.of(
            "increment over a newer snapshot", FROM_A, A_THEN_LOCAL, false, "StreamFailed"),
        Arguments.of(
            "forced increment over a newer snapshot", FROM_A, A_THEN_LOCAL, true, "StreamFailed"),
        Arguments.of("increment without its base", FROM_A, EMPTY, true, "StreamFailed"),
        Arguments.of("full into an existing target", FULL, AT_A, false, null),
        Arguments.of("forced full over snapshots", FULL, AT_A, true, "PermissionDenied"),
        Arguments.of("forced full into an empty placeholder", FULL, EMPTY, true, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(
      String name, StreamStart stream, ReceiveTarget target, boolean force, String refusal) {
    Optional<ZfsException> decision = ReceiveGuard.check("p/t", stream, target, force);
    assertThat(decision.map(e -> e.getClass().getSimpleName()).orElse(null)).isEqualTo(refusal);
    decision.ifPresent(e -> assertThat(e.getMessage()).contains("p/t"));
  }

  @Test
  void aConflictNamesTheSnapshotsMadeSinceTheBase() {
    assertThat(ReceiveGuard.check("p/t", FROM_A, A_THEN_LOCAL, true).orElseThrow().getMessage())
        .contains("@local")
        .contains("does not destroy");
  }

  @Test
  void anInertReplicaNeedsNothingAndAnythingElseIsPutBack() {
    Map<String, Value> inert =
        Map.of(
            "canmount", new Value("off", "local"),
            "readonly", new Value("on", "local"),
            "setuid", new Value("off", "local"),
            "exec", new Value("off", "local"),
            "devices", new Value("off", "inherited from p"),
            "mountpoint", new Value("/p/t", "inherited from p"));
    assertThat(ReceiveGuard.fixes(new ReceiveTarget(true, List.of(), inert))).isEmpty();

    Map<String, Value> open =
        Map.of(
            "canmount", new Value("on", "default"),
            "readonly", new Value("off", "default"),
            "setuid", new Value("on", "received"),
            "exec", new Value("on", "default"),
            "devices", new Value("off", "local"),
            "mountpoint", new Value("/usr/local/sbin", "local"));
    Map<String, String> fixes = ReceiveGuard.fixes(new ReceiveTarget(true, List.of(), open));
    assertThat(fixes)
        .containsEntry("canmount", "noauto")
        .containsEntry("readonly", "on")
        .containsEntry("setuid", "off")
        .containsEntry("exec", "off")
        .containsKey("mountpoint")
        .doesNotContainKey("devices");
    assertThat(fixes.get("mountpoint")).as("inherited, not set").isNull();
  }

  @Test
  void theTargetIsReadFromOneZfsGet() {
    String output =
        String.join(
            "\n",
            "p/t\tguid\t100\t-",
            "p/t\tcanmount\tnoauto\tlocal",
            "p/t@b\tguid\t18446744073709551615\t-",
            "p/t@b\tcreatetxg\t30\t-",
            "p/t@a\tguid\t5\t-",
            "p/t@a\tcreatetxg\t20\t-",
            "p/t/child\tguid\t7\t-",
            "p/t/child@x\tguid\t8\t-",
            "p/t/child@x\tcreatetxg\t40\t-");
    ReceiveTarget t = ReceiveTarget.parse("p/t", output);
    assertThat(t.exists()).isTrue();
    assertThat(t.snapshots()).extracting(Snapshot::name).containsExactly("a", "b");
    assertThat(t.newest().orElseThrow().guid()).isEqualTo(-1L);
    assertThat(t.properties().get("canmount")).isEqualTo(new Value("noauto", "local"));
    assertThat(ReceiveTarget.parse("p/t", "").exists()).isFalse();
  }

  @Test
  void receiveOverridesAreReadFromTheUsageText() throws IOException {
    String openZfs =
        "\treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ...\n"
            + "\t    <filesystem|volume|snapshot>\n";
    assertThat(ReceiveArguments.overridesProperties(openZfs)).isTrue();
    try (InputStream in = getClass().getResourceAsStream("zfs-fuse-usage.txt")) {
      String zfsFuse = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(ReceiveArguments.overridesProperties(zfsFuse)).isFalse();
    }
    assertThat(ReceiveArguments.of("p/t", true, false, Map.of("zfleet:role", "replica")))
        .containsExactly("-u", "-F", "p/t");
    assertThat(
            ReceiveArguments.of("p/t", false, true, Map.of("zfleet:role", "replica", "exec", "on")))
        .containsExactly(
            "-u",
            "-o",
            "canmount=noauto",
            "-o",
            "devices=off",
            "-o",
            "exec=off",
            "-o",
            "readonly=on",
            "-o",
            "setuid=off",
            "-o",
            "zfleet:role=replica",
            "-x",
            "mountpoint",
            "p/t");
  }

  @Test
  void anOperatorsRestoreIsReceivedUnmountedButNotMadeInert() {
    assertThat(ReceiveArguments.of("p/t", false, true, Map.of(), false))
        .containsExactly("-u", "p/t");
    assertThat(ReceiveArguments.of("p/t", false, false, Map.of(), false))
        .containsExactly("-u", "p/t");
    assertThat(ReceiveRequest.restore(org.zfleet.model.DatasetName.of("p/t")).replica()).isFalse();
    assertThat(ReceiveRequest.into(org.zfleet.model.DatasetName.of("p/t")).replica()).isTrue();
  }
}
