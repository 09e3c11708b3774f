package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.config.HostPort;

class ClusterSettingsTest {

  static final TlsFiles TLS =
      new TlsFiles(
          Path.of("/etc/zfleet/ca.crt"),
          Path.of("/etc/zfleet/b.crt"),
          Path.of("/etc/zfleet/b.key"));
  static final HostPort BIND = new HostPort("127.0.0.1", 25520);

  static ClusterSettings settings(String name, List<HostPort> seeds, List<String> roles) {
    return ClusterSettings.of(name, BIND, seeds, roles, TLS);
  }

  @Test
  void managementListensOnLoopbackAThousandAboveTheClusterPort() {
    ClusterSettings settings = settings("backup1", List.of(BIND), List.of());

    assertThat(settings.management()).isEqualTo(new HostPort("127.0.0.1", 26520));
  }

  @Test
  void nodesWithDifferentClusterPortsGetDifferentManagementPorts() {
    assertThat(ClusterSettings.defaultManagement(new HostPort("10.0.0.1", 25521)))
        .isNotEqualTo(ClusterSettings.defaultManagement(BIND));
  }

  @Test
  void managementPortStaysInRangeNearTheTop() {
    assertThat(ClusterSettings.defaultManagement(new HostPort("h", 65000)).port()).isEqualTo(64000);
  }

  @Test
  void rolesKeepTheirOrderWithoutDuplicatesAndTheNodeRoleNamesTheNode() {
    ClusterSettings settings =
        settings("backup1", List.of(BIND), List.of("storage", "offsite", "storage"));

    assertThat(settings.roles()).containsExactly("storage", "offsite");
    assertThat(settings.nodeRole()).isEqualTo("node:backup1");
  }

  static Stream<Arguments> invalid() {
    List<HostPort> seeds = List.of(BIND);
    return Stream.of(
        refused(
            "empty node name",
            () -> settings("", seeds, List.of()),
            "invalid node name \"\": empty name"),
        refused(
            "node name with space", () -> settings("a b", seeds, List.of()), "contains a space"),
        refused(
            "node name with slash",
            () -> settings("a/b", seeds, List.of()),
            "character '/' is not allowed"),
        refused(
            "node name like an option",
            () -> settings("-x", seeds, List.of()),
            "could be read as an option"),
        refused(
            "node name too long",
            () -> settings("n".repeat(65), seeds, List.of()),
            "longer than 64"),
        refused(
            "no seed nodes",
            () -> settings("b", List.of(), List.of()),
            "cluster.seed-nodes is empty"),
        refused(
            "role with colon",
            () -> settings("b", seeds, List.of("node:x")),
            "invalid role \"node:x\""),
        refused(
            "data-center role",
            () -> settings("b", seeds, List.of("dc-east")),
            "not beginning with \"dc-\""),
        refused(
            "management on the cluster port",
            () -> new ClusterSettings("b", BIND, seeds, List.of(), TLS, BIND),
            "management.bind 127.0.0.1:25520 is the same as cluster.bind"));
  }

  private static Arguments refused(
      String name, Supplier<ClusterSettings> settings, String message) {
    return Arguments.of(Named.of(name, settings), message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesInvalidSettingsSayingWhatIsWrong(Supplier<ClusterSettings> settings, String message) {
    assertThatThrownBy(settings::get)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
