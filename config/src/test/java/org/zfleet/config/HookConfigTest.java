package org.zfleet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Snapshot hooks as the configuration spells them: a pre and a post command around a snapshot. */
@Timeout(30)
class HookConfigTest {

  private static LoadResult load(String hooks) {
    return ConfigLoader.parse(
        String.join(
            "\n",
            "zfleet {",
            "  node { name = n1 }",
            "  jobs = [ { name = snap, type = snap, filesystems { \"tank<\" = true }",
            "    snapshotting { type = periodic, prefix = \"zf_\", interval = 10m",
            "      hooks = [ " + hooks + " ] }",
            "    pruning { keep = [ { type = last-n, count = 3 } ] } } ]",
            "}"),
        "hooks.conf",
        "n1");
  }

  private static List<Hook> hooks(LoadResult result) {
    assertThat(result.problems()).as("problems").isEmpty();
    return result.config().orElseThrow().job("snap").orElseThrow() instanceof SnapJob snap
        ? snap.snapshotting().hooks()
        : List.of();
  }

  @Test
  void aFreezeBeforeAndAThawAfterTheSnapshot() {
    List<Hook> hooks =
        hooks(
            load(
                "{ pre = [ \"/usr/local/sbin/db-freeze\", \"--flush\" ],"
                    + " post = [ \"/usr/local/sbin/db-freeze\", \"--thaw\" ],"
                    + " timeout = 20s, err-is-fatal = true }"));
    assertThat(hooks)
        .containsExactly(
            new Hook(
                java.util.Optional.of(List.of("/usr/local/sbin/db-freeze", "--flush")),
                java.util.Optional.of(List.of("/usr/local/sbin/db-freeze", "--thaw")),
                java.time.Duration.ofSeconds(20),
                true));
  }

  @Test
  void aCommandRunsBeforeAndAfterAsInZreplAndAPostAloneAfter() {
    List<Hook> hooks =
        hooks(load("{ command = \"/etc/zfleet/notify\" }, { post = \"/usr/bin/sync\" }"));
    assertThat(hooks.get(0).pre()).contains(List.of("/etc/zfleet/notify"));
    assertThat(hooks.get(0).post()).contains(List.of("/etc/zfleet/notify"));
    assertThat(hooks.get(0).timeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(hooks.get(1).pre()).isEmpty();
    assertThat(hooks.get(1).post()).contains(List.of("/usr/bin/sync"));
  }

  @Test
  void aHookNeedsACommandAndNotBothForms() {
    assertThat(load("{ timeout = 5s }").errors())
        .singleElement()
        .satisfies(p -> assertThat(p.path()).endsWith("hooks[0].command"));
    assertThat(load("{ command = \"/a\", pre = \"/b\" }").errors())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("not both"));
    assertThat(load("{ post = [] }").errors())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("must not be empty"));
  }
}
