package org.zfleet.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.zfleet.config.ConfigLoader;
import org.zfleet.config.ConfigProblem;
import org.zfleet.config.JobConfig;
import org.zfleet.config.LoadResult;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.node.LocalHost;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet configcheck}: loads a configuration exactly as the daemon would and reports every
 * problem with its file, line and key path. Exit 0 if it is valid (warnings allowed), 1 if not.
 */
@Command(
    name = "configcheck",
    description = "Check a configuration file; report every problem with its file, line and key.")
final class ConfigcheckCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      defaultValue = ConfigFiles.DEFAULT_CONFIG,
      paramLabel = "FILE",
      description = "The configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--format",
      defaultValue = "human",
      paramLabel = "human|json",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("human") && !format.equals("json")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--format must be human or json, got \"" + format + "\"");
    }
    var missing = ConfigFiles.missingDefault(config, Path.of(ConfigFiles.DEFAULT_CONFIG));
    if (missing.isPresent() && format.equals("human")) {
      spec.commandLine().getErr().println("zfleet: " + missing.get());
      return ZfleetCommand.EXIT_FAILED;
    }
    LoadResult result = ConfigLoader.load(config, LocalHost.name());
    PrintWriter out = spec.commandLine().getOut();
    if (format.equals("json")) {
      out.println(json(result));
    } else {
      result.problems().forEach(p -> out.println(p.format()));
      out.println(summary(result));
    }
    out.flush();
    return result.hasErrors() ? ZfleetCommand.EXIT_FAILED : ZfleetCommand.EXIT_OK;
  }

  private String summary(LoadResult result) {
    int warnings = result.warnings().size();
    String warned = warnings == 0 ? "" : ", " + count(warnings, "warning");
    if (result.hasErrors()) {
      return config + ": not valid: " + count(result.errors().size(), "error") + warned;
    }
    ZfleetConfig valid = result.config().orElseThrow();
    String jobs =
        valid.jobs().stream()
            .map(j -> j.name() + " (" + j.type().configName() + ")")
            .collect(Collectors.joining(", "));
    return config
        + ": OK: node "
        + valid.node().name()
        + ", "
        + count(valid.jobs().size(), "job")
        + (jobs.isEmpty() ? "" : ": " + jobs)
        + warned;
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  private String json(LoadResult result) throws Exception {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("file", config.toString());
    root.put("valid", !result.hasErrors());
    root.put("errors", result.errors().size());
    root.put("warnings", result.warnings().size());
    ArrayNode problems = root.putArray("problems");
    for (ConfigProblem p : result.problems()) {
      ObjectNode problem = problems.addObject();
      problem.put("severity", p.severity().name().toLowerCase(Locale.ROOT));
      problem.put("file", p.file());
      if (p.line() > 0) {
        problem.put("line", p.line());
      } else {
        problem.putNull("line");
      }
      problem.put("path", p.path());
      problem.put("message", p.message());
      problem.put("text", p.format());
    }
    result
        .config()
        .ifPresent(
            valid -> {
              root.put("node", valid.node().name());
              ArrayNode jobs = root.putArray("jobs");
              for (JobConfig job : valid.jobs()) {
                jobs.addObject().put("name", job.name()).put("type", job.type().configName());
              }
            });
    return mapper.writeValueAsString(root);
  }
}
