package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.zfleet.node.daemon.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet signal wakeup JOB} (start a job's cycle now) and {@code zfleet signal reset JOB}
 * (stop its running steps and clear their backoff), told to the running daemon.
 */
@Command(
    name = "signal",
    description = "Send a signal to the running daemon.",
    subcommands = {SignalCommand.Wakeup.class, SignalCommand.Reset.class})
final class SignalCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "which signal? (wakeup, reset)");
  }

  @Command(
      name = "wakeup",
      description =
          "Start JOB's cycle now: snapshot (if it snapshots on a schedule), replicate, prune.")
  static final class Wakeup implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        defaultValue = ConfigFiles.DEFAULT_CONFIG,
        paramLabel = "FILE",
        description = "The daemon's configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Parameters(paramLabel = "JOB", description = "The job to wake up.")
    String job;

    @Override
    public Integer call() throws Exception {
      return signal(spec, config, job, "wakeup");
    }
  }

  @Command(
      name = "reset",
      description =
          "Stop JOB's running steps and clear their retry backoff, as after fixing a cause; its"
              + " next cycle starts at once.")
  static final class Reset implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        defaultValue = ConfigFiles.DEFAULT_CONFIG,
        paramLabel = "FILE",
        description = "The daemon's configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Parameters(paramLabel = "JOB", description = "The job to reset.")
    String job;

    @Override
    public Integer call() throws Exception {
      return signal(spec, config, job, "reset");
    }
  }

  /** POSTs {@code /jobs/JOB/SIGNAL} to the daemon and prints its answer. */
  static int signal(CommandSpec spec, Path config, String job, String signal) throws Exception {
    var loaded = ConfigFiles.loadValid(config, spec.commandLine().getErr());
    var response =
        new ControlClient(ConfigFiles.configOf(loaded))
            .post(
                "/jobs/"
                    + URLEncoder.encode(job, StandardCharsets.UTF_8).replace("+", "%20")
                    + "/"
                    + signal);
    JsonNode body = Json.mapper().readTree(response.body());
    String message = body.path("message").asText(response.body());
    if (response.statusCode() == 202) {
      spec.commandLine().getOut().println(message);
      return ZfleetCommand.EXIT_OK;
    }
    spec.commandLine().getErr().println("zfleet: " + message);
    return ZfleetCommand.EXIT_FAILED;
  }
}
