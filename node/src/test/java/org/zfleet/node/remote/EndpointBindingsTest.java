package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.node.remote.EndpointBindings.Role;
import org.zfleet.replication.ReceiverDirectory.Unavailable;

/** Which node a push or pull uses for its sink or source, whoever else offers the job's name. */
class EndpointBindingsTest {

  @TempDir Path dir;

  private EndpointBindings bindings(Map<String, String> configured) {
    return new EndpointBindings(dir.resolve("endpoint-pins"), configured);
  }

  @Test
  void theFirstNodeToOfferAnUnboundJobIsPinnedAndKeptAcrossRestarts() throws Exception {
    assertThat(bindings(Map.of()).bind(Role.SINK, "backup", Set.of("beta"))).isEqualTo("beta");
    assertThat(Files.readString(dir.resolve("endpoint-pins"))).contains("sink.backup=beta");

    EndpointBindings restarted = bindings(Map.of());
    assertThat(restarted.bind(Role.SINK, "backup", Set.of("beta", "gamma"))).isEqualTo("beta");
    assertThat(restarted.problems())
        .containsExactly(
            "sink backup is also offered by node(s) gamma; using node beta (pinned on first contact in "
                + dir.resolve("endpoint-pins")
                + ")");
  }

  @Test
  void aPinnedJobOfferedOnlyByAnotherNodeIsNotUsed() {
    bindings(Map.of()).bind(Role.SOURCE, "prod", Set.of("alpha"));
    EndpointBindings later = bindings(Map.of());

    assertThatThrownBy(() -> later.bind(Role.SOURCE, "prod", Set.of("mallory")))
        .isInstanceOf(Unavailable.class)
        .hasMessageContaining("source prod runs on node alpha")
        .hasMessageContaining("node(s) mallory offer it and are not used");
    assertThat(later.problems()).hasSize(1);
    // Its own node back: used, and the problem is gone.
    assertThat(later.bind(Role.SOURCE, "prod", Set.of("alpha"))).isEqualTo("alpha");
    assertThat(later.problems()).isEmpty();
  }

  @Test
  void severalNodesOfferingAnUnboundJobIsAnErrorNotARace() {
    EndpointBindings b = bindings(Map.of());
    assertThatThrownBy(() -> b.bind(Role.SINK, "backup", Set.of("gamma", "beta")))
        .isInstanceOf(Unavailable.class)
        .hasMessage(
            "sink backup is offered by several nodes (beta, gamma); name its node in the"
                + " configuration, e.g. \"backup@beta\"");
    assertThat(b.problems()).hasSize(1);
    assertThat(Files.exists(dir.resolve("endpoint-pins"))).as("nothing pinned").isFalse();
  }

  @Test
  void aNodeNamedInTheConfigurationWinsOverPins() {
    bindings(Map.of()).bind(Role.SINK, "backup", Set.of("gamma"));
    EndpointBindings b = bindings(Map.of(EndpointBindings.key(Role.SINK, "backup"), "beta"));

    assertThat(b.bind(Role.SINK, "backup", Set.of("beta", "gamma"))).isEqualTo("beta");
    assertThatThrownBy(() -> b.bind(Role.SINK, "backup", Set.of("gamma")))
        .isInstanceOf(Unavailable.class)
        .hasMessageContaining("named in the configuration");
  }

  @Test
  void sinksAndSourcesOfOneNameAreBoundApart() {
    EndpointBindings b = bindings(Map.of());
    assertThat(b.bind(Role.SINK, "x", Set.of("beta"))).isEqualTo("beta");
    assertThat(b.bind(Role.SOURCE, "x", Set.of("alpha"))).isEqualTo("alpha");
  }
}
