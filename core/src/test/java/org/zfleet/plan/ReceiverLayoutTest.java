package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.DatasetName;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReceiverLayoutTest {

  private static final ReceiverLayout LAYOUT =
      new ReceiverLayout(DatasetName.of("backup/sink"), "host1");

  private static List<DatasetName> names(String... values) {
    return Arrays.stream(values).map(DatasetName::of).toList();
  }

  @Test
  void receiverPathIsRootIdentityAndTheWholeSenderPath() {
    assertThat(LAYOUT.clientRoot()).isEqualTo(DatasetName.of("backup/sink/host1"));
    assertThat(LAYOUT.receiverPath(DatasetName.of("tank/home/ann")))
        .isEqualTo(DatasetName.of("backup/sink/host1/tank/home/ann"));
    assertThat(LAYOUT.receiverPath(DatasetName.of("tank")))
        .isEqualTo(DatasetName.of("backup/sink/host1/tank"));
  }

  @Test
  void senderPathInvertsReceiverPath() {
    assertThat(LAYOUT.senderPath(DatasetName.of("backup/sink/host1/tank/home")))
        .contains(DatasetName.of("tank/home"));
    assertThat(LAYOUT.senderPath(DatasetName.of("backup/sink/host1"))).isEmpty();
    assertThat(LAYOUT.senderPath(DatasetName.of("backup/sink/host2/tank"))).isEmpty();
    assertThat(LAYOUT.senderPath(DatasetName.of("backup/sink/host10/tank"))).isEmpty();
  }

  static Stream<Arguments> placeholderCases() {
    return Stream.of(
        Arguments.of(
            Named.of(
                "one nested filesystem: every ancestor, parents first", names("tank/home/ann")),
            names("backup/sink/host1", "backup/sink/host1/tank", "backup/sink/host1/tank/home")),
        Arguments.of(
            Named.of("replicated parent is not a placeholder", names("tank/home", "tank/home/ann")),
            names("backup/sink/host1", "backup/sink/host1/tank")),
        Arguments.of(
            Named.of("pool root replicated", names("tank", "tank/a/b")),
            names("backup/sink/host1", "backup/sink/host1/tank/a")),
        Arguments.of(
            Named.of(
                "two pools, shared ancestors listed once", names("tank/a/x", "tank/a/y", "data/z")),
            names(
                "backup/sink/host1",
                "backup/sink/host1/data",
                "backup/sink/host1/tank",
                "backup/sink/host1/tank/a")),
        Arguments.of(Named.of("nothing replicated", names()), names()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("placeholderCases")
  void placeholders(List<DatasetName> replicated, List<DatasetName> expected) {
    assertThat(LAYOUT.placeholders(replicated)).containsExactlyElementsOf(expected);
  }

  @Test
  void placeholderThatBecomesReplicatedIsNoLongerListed() {
    assertThat(LAYOUT.placeholders(names("tank/home/ann")))
        .contains(DatasetName.of("backup/sink/host1/tank/home"));
    assertThat(LAYOUT.placeholders(names("tank/home/ann", "tank/home")))
        .doesNotContain(DatasetName.of("backup/sink/host1/tank/home"));
  }

  @ParameterizedTest(name = "identity \"{0}\"")
  @MethodSource("badIdentities")
  void identityMustBeOneValidComponent(String identity) {
    assertThatThrownBy(() -> new ReceiverLayout(DatasetName.of("backup"), identity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid client identity \"" + identity + "\"");
  }

  static Stream<String> badIdentities() {
    return Stream.of("", "a/b", "-x", "a@b", "a#b", "..", ".", "tab\there", "é");
  }

  @Test
  void tooLongReceiverPathNamesTheSenderFilesystem() {
    String longName = "tank/" + "a".repeat(240);
    assertThatThrownBy(() -> LAYOUT.receiverPath(DatasetName.of(longName)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sender filesystem tank/aaa");
  }

  @Test
  void propertiesMarkRolesAndKeepPlaceholdersUnmounted() {
    assertThat(ReceiverLayout.placeholderProperties())
        .isEqualTo(Map.of("zfleet:role", "placeholder", "canmount", "off"));
    assertThat(ReceiverLayout.replicaProperties()).isEqualTo(Map.of("zfleet:role", "replica"));
  }

  @Test
  void receiverStateFromExistenceAndLocalRole() {
    assertThat(ReceiverState.of(false, Optional.of("replica"))).isEqualTo(ReceiverState.ABSENT);
    assertThat(ReceiverState.of(true, Optional.empty())).isEqualTo(ReceiverState.FOREIGN);
    assertThat(ReceiverState.of(true, Optional.of("placeholder")))
        .isEqualTo(ReceiverState.PLACEHOLDER);
    assertThat(ReceiverState.of(true, Optional.of("replica"))).isEqualTo(ReceiverState.REPLICA);
    assertThat(ReceiverState.of(true, Optional.of("something-else")))
        .isEqualTo(ReceiverState.FOREIGN);
  }
}
