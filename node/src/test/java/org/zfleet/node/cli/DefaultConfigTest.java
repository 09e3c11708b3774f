package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command reads /etc/zfleet/zfleet.conf when --config is not given. */
@Timeout(30)
class DefaultConfigTest {

  @TempDir Path dir;

  @Test
  void everyConfigOptionDefaultsToTheInstalledConfiguration() {
    List<String> withConfig = new ArrayList<>();
    collect(ZfleetCommand.newCommandLine(), withConfig);

    assertThat(withConfig)
        .contains(
            "zfleet configcheck",
            "zfleet daemon",
            "zfleet signal wakeup",
            "zfleet signal reset",
            "zfleet status",
            "zfleet test filesystems",
            "zfleet test prune",
            "zfleet test plan",
            "zfleet backups list",
            "zfleet backups mount",
            "zfleet backups unmount",
            "zfleet restore");
  }

  private static void collect(CommandLine command, List<String> withConfig) {
    OptionSpec config = command.getCommandSpec().findOption("--config");
    if (config != null) {
      String name = command.getCommandSpec().qualifiedName();
      assertThat(config.required()).as(name + " --config required").isFalse();
      assertThat(config.defaultValue()).as(name).isEqualTo("/etc/zfleet/zfleet.conf");
      assertThat(config.description()[0]).as(name).contains("/etc/zfleet/zfleet.conf");
      withConfig.add(name);
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, withConfig));
  }

  @Test
  void aMissingDefaultConfigurationIsNamedWithWhatToDo() {
    Path missing = dir.resolve("zfleet.conf");

    assertThat(ConfigFiles.missingDefault(missing, missing))
        .hasValueSatisfying(
            message ->
                assertThat(message)
                    .startsWith(missing + " does not exist")
                    .contains("when --config is not given")
                    .contains("pass --config FILE"));
  }

  @Test
  void anExistingDefaultOrAnotherFileIsNotTheDefaultsProblem() throws Exception {
    Path present = Files.writeString(dir.resolve("zfleet.conf"), "zfleet {}\n");

    assertThat(ConfigFiles.missingDefault(present, present)).isEmpty();
    assertThat(ConfigFiles.missingDefault(dir.resolve("other.conf"), present)).isEmpty();
  }

  @Test
  void anExplicitConfigStillWins() throws Exception {
    Path file = Files.writeString(dir.resolve("mine.conf"), "zfleet { node { name = \"n1\" } }\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "configcheck",
            "--config",
            file.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains(file + ": OK: node n1");
  }
}
