package org.zfleet.node.remote;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.replication.ReceiverDirectory.Unavailable;

/**
 * Which node runs each sink or source job this node's pushes and pulls use. A job's node is named
 * in the configuration ({@code sink = "backup@beta"}) or pinned the first time exactly one node
 * offers the job, in {@code <data-dir>/endpoint-pins}; from then on only that node is used, whoever
 * else offers a job of that name. A second node offering the job is reported in the status; a job
 * that only another node offers now is not used until the operator confirms the move (by naming the
 * node, or removing the pin). Several nodes offering an unbound job is an error, not a race.
 */
public final class EndpointBindings {

  private static final Logger log = LoggerFactory.getLogger(EndpointBindings.class);

  /** The kinds of job bound; the word is the pin file's key prefix. */
  public enum Role {
    SINK,
    SOURCE;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Path pinFile;
  private final Map<String, String> configured;
  private final Map<String, String> pins = new TreeMap<>();
  private final Map<String, String> problems = new TreeMap<>();

  /**
   * @param configured the node named for a job in the configuration, by {@code role.job} key (see
   *     {@link #key})
   */
  /**
   * The bindings of the nodes named for sinks and sources in {@code jobs}, pinned in {@code
   * pinFile}.
   */
  public static EndpointBindings of(Path pinFile, List<JobConfig> jobs) {
    Map<String, String> named = new HashMap<>();
    for (JobConfig job : jobs) {
      if (job instanceof PushJob push) {
        push.sinkNodes().forEach((sink, node) -> named.put(key(Role.SINK, sink), node));
      } else if (job instanceof PullJob pull) {
        pull.sourceNode().ifPresent(node -> named.put(key(Role.SOURCE, pull.source()), node));
      }
    }
    return new EndpointBindings(pinFile, named);
  }

  public EndpointBindings(Path pinFile, Map<String, String> configured) {
    this.pinFile = pinFile;
    this.configured = Map.copyOf(configured);
    load();
  }

  public static String key(Role role, String job) {
    return role.word() + "." + job;
  }

  /**
   * The node to use for {@code job} among those that offer it now (by verified certificate name);
   * {@link Unavailable} saying why there is none.
   */
  public synchronized String bind(Role role, String job, Set<String> offering) {
    String key = key(role, job);
    String named = configured.get(key);
    String pinned = pins.get(key);
    String bound = named != null ? named : pinned;
    String what = role.word() + " " + job;
    if (bound != null) {
      String how =
          named != null ? "named in the configuration" : "pinned on first contact in " + pinFile;
      Set<String> others = new TreeSet<>(offering);
      others.remove(bound);
      if (!offering.contains(bound)) {
        String why =
            what
                + " runs on node "
                + bound
                + " ("
                + how
                + "), which does not offer it now"
                + (others.isEmpty()
                    ? ""
                    : "; node(s) " + String.join(", ", others) + " offer it and are not used");
        report(key, others.isEmpty() ? null : why, true);
        throw new Unavailable(why);
      }
      report(
          key,
          others.isEmpty()
              ? null
              : what
                  + " is also offered by node(s) "
                  + String.join(", ", others)
                  + "; using node "
                  + bound
                  + " ("
                  + how
                  + ")",
          false);
      return bound;
    }
    if (offering.size() == 1) {
      String node = offering.iterator().next();
      pins.put(key, node);
      save();
      log.warn(
          "pinned {} to node {} on first contact (in {}); another node offering it will not be used",
          what,
          node,
          pinFile);
      report(key, null, false);
      return node;
    }
    String why =
        what
            + " is offered by several nodes ("
            + String.join(", ", new TreeSet<>(offering))
            + "); name its node in the configuration, e.g. \""
            + job
            + "@"
            + new TreeSet<>(offering).first()
            + "\"";
    report(key, why, true);
    throw new Unavailable(why);
  }

  /** What is wrong with the bindings now, one line each, for the node's status. */
  public synchronized List<String> problems() {
    return new ArrayList<>(problems.values());
  }

  /** Records a problem and logs it once when it appears or changes. */
  private void report(String key, String problem, boolean error) {
    String before = problem == null ? problems.remove(key) : problems.put(key, problem);
    if (problem != null && !problem.equals(before)) {
      if (error) {
        log.error("endpoint binding: {}", problem);
      } else {
        log.warn("endpoint binding: {}", problem);
      }
    }
  }

  private void load() {
    if (!Files.exists(pinFile)) {
      return;
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(pinFile, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the endpoint pins " + pinFile + ": " + e, e);
    }
    p.stringPropertyNames().forEach(k -> pins.put(k, p.getProperty(k).strip()));
  }

  private void save() {
    Properties p = new Properties();
    pins.forEach(p::setProperty);
    try {
      Files.createDirectories(pinFile.getParent());
      Path temporary = Files.createTempFile(pinFile.getParent(), ".endpoint-pins", ".tmp");
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        p.store(
            out,
            "The node that runs each sink or source job this node uses, pinned on first contact."
                + " Remove a line to let the job's node change.");
      }
      Files.move(
          temporary, pinFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.error("cannot write the endpoint pins {}: {}", pinFile, e.getMessage());
    }
  }
}
