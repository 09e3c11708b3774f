package org.zfleet.node.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdentityTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"alpha", "backup-01", "node_2", "a.b", "x:y", "N"})
  void acceptsValidDatasetComponents(String name) {
    assertThat(NodeIdentity.of(name).name()).isEqualTo(name);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty",
        "a/b|'/'",
        "a@b|'@'",
        "a#b|'#'",
        "-opt|option",
        "..|not allowed",
        "two words|space",
        "ümlaut|U+00FC",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|64",
      })
  void refusesWhatCannotBeADatasetComponent(String name, String reason) {
    assertThatThrownBy(() -> NodeIdentity.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid node name")
        .hasMessageContaining(reason);
  }
}
