package org.zfleet.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Converts a zrepl configuration ({@code zrepl.yml}) into the equivalent zfleet HOCON. What zfleet
 * cannot carry over (transports, send and receive options, logging, …) becomes a comment at the
 * place it would have gone, saying why. Pruning keeps zrepl's meaning with {@code scope = all}.
 */
public final class ZreplImport {

  static final String MARK = "import-zrepl: ";

  private ZreplImport() {}

  /** Converts {@code yaml}; {@code originName} names the input in the output and in failures. */
  public static ZreplConversion convert(String yaml, String originName) {
    Object root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      return new ZreplConversion.Failed(
          originName + ":" + line + ": not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      return new ZreplConversion.Failed(originName + ": not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> top)) {
      return new ZreplConversion.Failed(
          originName + ": not a zrepl configuration: expected a mapping with jobs");
    }
    if (!(top.get("jobs") instanceof List<?> jobs) || jobs.isEmpty()) {
      return new ZreplConversion.Failed(originName + ": not a zrepl configuration: it has no jobs");
    }

    Context ctx = new Context();
    HoconWriter w = ctx.writer;
    w.comment("zfleet configuration converted from " + originName + " by `zfleet import-zrepl`.");
    w.comment(
        "Check it with `zfleet configcheck --config <this file>`. Lines starting with \""
            + MARK.trim()
            + "\"");
    w.comment("name zrepl settings zfleet does not carry over, and why.");
    w.open("zfleet");
    w.open("node");
    w.comment(
        "name defaults to this host's name; zrepl's client identities become zfleet node names.");
    w.close();
    for (Map.Entry<?, ?> entry : top.entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (key.equals("global")) {
        global(ctx, entry.getValue());
      } else if (!key.equals("jobs")) {
        ctx.note(key, "not a zrepl setting zfleet knows; not carried over");
      }
    }
    List<Map<String, Object>> jobMaps = new ArrayList<>();
    for (Object job : jobs) {
      jobMaps.add(Yamls.map(job));
    }
    w.openList("jobs");
    for (int i = 0; i < jobs.size(); i++) {
      if (!(jobs.get(i) instanceof Map)) {
        ctx.note("jobs[" + i + "]", "not a mapping; left out");
        continue;
      }
      ZreplJobs.convert(ctx, jobMaps.get(i), "jobs[" + i + "]", jobMaps);
    }
    w.closeList();
    w.close();
    return new ZreplConversion.Converted(w.toString(), ctx.notes);
  }

  private static void global(Context ctx, Object value) {
    for (Map.Entry<String, Object> entry : Yamls.map(value).entrySet()) {
      String where = "global." + entry.getKey();
      switch (entry.getKey()) {
        case "logging" ->
            ctx.note(
                where,
                "zfleet logs with logback (one event per line); its logging is set up "
                    + "outside this file; not carried over");
        case "monitoring" ->
            ctx.note(
                where, "zfleet serves health and metrics on node.management; not carried over");
        case "control" ->
            ctx.note(
                where, "zfleet's own CLI talks to the daemon over node.control; not carried over");
        case "serve" -> ctx.note(where, "zfleet serves no stdinserver sockets; not carried over");
        default -> ctx.note(where, "not a zrepl setting zfleet knows; not carried over");
      }
    }
  }

  /** The text being written and the notes taken so far. */
  static final class Context {
    final HoconWriter writer = new HoconWriter();
    final List<ZreplConversion.Note> notes = new ArrayList<>();

    /** Records a setting that was not carried over, as a note and as a comment here. */
    void note(String where, String message) {
      notes.add(new ZreplConversion.Note(where, message));
      writer.comment(MARK + where + ": " + message);
    }
  }
}
