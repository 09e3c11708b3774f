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
    assertThat(hooks).hasSize(1);
  }
}
