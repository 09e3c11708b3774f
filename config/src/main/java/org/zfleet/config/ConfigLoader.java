package org.zfleet.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads a zfleet configuration file: HOCON over the defaults in {@code reference.conf}, read into a
 * {@link ZfleetConfig} and validated as a whole. Never throws for bad input: every mistake comes
 * back as a {@link ConfigProblem} with its file, line and key path, and any error means no
 * configuration, so nothing starts half-configured.
 */
public final class ConfigLoader {

  private static final List<String> ZFLEET_KEYS = List.of("node", "jobs", "job-defaults");

  private ConfigLoader() {}

  /** Loads {@code file}; the node name defaults to this host's name. */
  public static LoadResult load(Path file) {
    return load(file, localHostName());
  }

  /** Loads {@code file}, with {@code hostName} as the node name when the file sets none. */
  public static LoadResult load(Path file, String hostName) {
    String name = file.toString();
    String unreadable = null;
    if (!Files.exists(file)) {
      unreadable = "no such file";
    } else if (Files.isDirectory(file)) {
      unreadable = "is a directory, not a configuration file";
    } else if (!Files.isReadable(file)) {
      unreadable = "cannot be read (permission denied)";
    }
    if (unreadable != null) {
      return failed(ConfigProblem.error(name, 0, "", unreadable));
    }
    ConfigParseOptions options =
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false);
    try {
      return validate(ConfigFactory.parseFile(file.toFile(), options), name, hostName);
    } catch (ConfigException e) {
      return failed(fromException(e, name));
    }
  }

  /** Parses configuration text; {@code originName} stands for the file in every problem. */
  public static LoadResult parse(String text, String originName) {
    return parse(text, originName, localHostName());
  }

  /** As {@link #parse(String, String)}, with {@code hostName} as the default node name. */
  public static LoadResult parse(String text, String originName, String hostName) {
    ConfigParseOptions options =
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(originName);
    try {
      return validate(ConfigFactory.parseString(text, options), originName, hostName);
    } catch (ConfigException e) {
      return failed(fromException(e, originName));
    }
  }

  private static LoadResult validate(Config file, String fileName, String hostName) {
    Config reference =
        ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader()).withOnlyPath("zfleet");
    Config merged = file.withFallback(reference).resolve();
    Config resolvedFile = file.resolveWith(merged);
    Problems problems = new Problems();
    Location fileStart = new Location(fileName, 0);

    ConfigValue userZfleet = file.root().get("zfleet");
    topLevelKeys(file.root(), fileStart, problems);
    if (userZfleet == null) {
      problems.error(
          fileStart, "", "no zfleet { … } section; zfleet reads its settings from there");
      return new LoadResult(Optional.empty(), problems.sorted(), Optional.of(resolvedFile));
    }
    if (userZfleet.valueType() != ConfigValueType.OBJECT) {
      problems.error(
          Location.of(userZfleet.origin(), fileStart),
          "zfleet",
          "expected an object { … }, got " + ConfigMessages.describe(userZfleet));
      return new LoadResult(Optional.empty(), problems.sorted(), Optional.of(resolvedFile));
    }
    Location zfleetAt = Location.of(userZfleet.origin(), fileStart);
    ObjectReader zfleet = new ObjectReader(merged.getObject("zfleet"), "", zfleetAt, problems);
    zfleet.rejectUnknownKeys(ZFLEET_KEYS);

    JobDefaults defaults =
        zfleet
            .object("job-defaults")
            .flatMap(JobDefaults::read)
            .orElseGet(() -> referenceDefaults(reference, fileStart));
    Optional<NodeConfig> node = zfleet.object("node").flatMap(n -> NodeReader.read(n, hostName));

    List<JobReader.ReadJob> jobs = new ArrayList<>();
    List<ObjectReader.Element> elements = zfleet.list("jobs").orElse(List.of());
    for (int i = 0; i < elements.size(); i++) {
      ObjectReader.Element e = elements.get(i);
      Optional<ObjectReader> job = ObjectReader.of(e.value(), e.path(), e.location(), problems);
      if (job.isPresent()) {
        jobs.add(JobReader.read(job.get(), i, defaults));
      }
    }
    CrossChecks.check(jobs);

    if (problems.errorCount() > 0 || node.isEmpty()) {
      return new LoadResult(Optional.empty(), problems.sorted(), Optional.of(resolvedFile));
    }
    List<JobConfig> configs = jobs.stream().map(j -> j.job().orElseThrow()).toList();
    return new LoadResult(
        Optional.of(new ZfleetConfig(node.get(), configs)),
        problems.sorted(),
        Optional.of(resolvedFile));
  }

  /** zfleet reads only {@code zfleet}; {@code pekko} is Pekko's; anything else is likely a slip. */
  private static void topLevelKeys(ConfigObject root, Location fileStart, Problems problems) {
    for (var entry : root.entrySet()) {
      String key = entry.getKey();
      Location at = Location.of(entry.getValue().origin(), fileStart);
      if (key.equals("zfleet") || key.equals("pekko")) {
        continue;
      }
      if (ZFLEET_KEYS.contains(key)) {
        problems.error(at, Values.quoteKey(key), "belongs inside zfleet { … }");
      } else if (Values.closest(key, List.of("zfleet", "pekko")).isPresent()) {
        problems.error(
            at,
            Values.quoteKey(key),
            "unknown top-level key; did you mean \""
                + Values.closest(key, List.of("zfleet", "pekko")).get()
                + "\"?");
      } else {
        problems.warning(
            at,
            Values.quoteKey(key),
            "not read by zfleet (it reads zfleet { … } and passes pekko { … } on)");
      }
    }
  }

  /**
   * The shipped defaults, used to go on checking jobs when the file's own job-defaults are wrong.
   */
  private static JobDefaults referenceDefaults(Config reference, Location at) {
    ObjectReader defaults =
        new ObjectReader(
            reference.getObject("zfleet.job-defaults"), "job-defaults", at, new Problems());
    return JobDefaults.read(defaults)
        .orElseThrow(() -> new IllegalStateException("reference.conf is invalid"));
  }

  private static LoadResult failed(ConfigProblem problem) {
    return new LoadResult(Optional.empty(), List.of(problem), Optional.empty());
  }

  /** A parse or resolve failure as a one-line problem, without the origin the message repeats. */
  private static ConfigProblem fromException(ConfigException e, String fileName) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String file = Location.fileOf(e.origin(), fileName);
    int line = e.origin() == null ? 0 : Math.max(0, e.origin().lineNumber());
    if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
      message = message.substring(e.origin().description().length() + 2);
    }
    int hint = message.indexOf(" (if you ");
    if (hint > 0) {
      message = message.substring(0, hint);
    }
    if (e instanceof ConfigException.IO) {
      message = "cannot read: " + message.replaceFirst("^java\\.io\\.\\w+: ", "");
    }
    return ConfigProblem.error(file, line, "", message);
  }

  /** This host's name, the default node name. */
  static String localHostName() {
    String env = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }
}
