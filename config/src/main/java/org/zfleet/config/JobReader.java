package org.zfleet.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.zfleet.model.DatasetName;

/** Reads one element of {@code zfleet.jobs} into a {@link JobConfig} of its type. */
final class JobReader {

  /** What was read of one job: its name (if any) and the job, if it had no error. */
  record ReadJob(int index, Optional<String> name, Optional<JobConfig> job, ObjectReader reader) {}

  static final Map<String, JobConfig.Type> TYPES = new LinkedHashMap<>();
  private static final Map<JobConfig.Type, List<String>> KEYS = new LinkedHashMap<>();

  static {
    for (JobConfig.Type type : JobConfig.Type.values()) {
      TYPES.put(type.configName(), type);
    }
    KEYS.put(
        JobConfig.Type.PUSH,
        List.of(
            "name",
            "type",
            "sink",
            "sinks",
            "filesystems",
            "snapshotting",
            "pruning",
            "replication",
            "send"));
    KEYS.put(JobConfig.Type.SINK, List.of("name", "type", "root-fs", "clients"));
    KEYS.put(
        JobConfig.Type.PULL,
        List.of("name", "type", "source", "root-fs", "interval", "pruning", "replication"));
    KEYS.put(
        JobConfig.Type.SOURCE,
        List.of("name", "type", "filesystems", "clients", "snapshotting", "send"));
    KEYS.put(
        JobConfig.Type.SNAP, List.of("name", "type", "filesystems", "snapshotting", "pruning"));
  }

  private JobReader() {}

  static ReadJob read(ObjectReader job, int index, JobDefaults defaults) {
    int errorsBefore = job.problems().errorCount();
    Optional<String> name =
        JobParts.jobName(job, "name", "a name for the job, unique on this node");
    Optional<JobConfig.Type> type =
        job.has("type")
            ? job.choice("type", TYPES)
            : job.missing("type", "push, sink, pull, source or snap");
    if (type.isEmpty()) {
      List<String> all = KEYS.values().stream().flatMap(List::stream).distinct().toList();
      job.rejectUnknownKeys(all);
      return new ReadJob(index, name, Optional.empty(), job);
    }
    job.rejectUnknownKeys(KEYS.get(type.get()), key -> elsewhere(key, type.get()));
    Optional<JobConfig> config =
        switch (type.get()) {
          case PUSH -> push(job, name, defaults);
          case SINK -> sink(job, name);
          case PULL -> pull(job, name, defaults);
          case SOURCE -> source(job, name, defaults);
          case SNAP -> snap(job, name, defaults);
        };
    if (job.problems().errorCount() > errorsBefore) {
      config = Optional.empty();
    }
    return new ReadJob(index, name, config, job);
  }

  /** Says which job types a key belongs to, when it is valid for some other type. */
  private static Optional<String> elsewhere(String key, JobConfig.Type type) {
    List<String> owners =
        KEYS.entrySet().stream()
            .filter(e -> e.getValue().contains(key))
            .map(e -> e.getKey().configName())
            .toList();
    if (owners.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "does not apply to a "
            + type.configName()
            + " job (only to "
            + owners.stream().collect(Collectors.joining(", "))
            + " jobs)");
  }

  private static Optional<JobConfig> push(
      ObjectReader job, Optional<String> name, JobDefaults defaults) {
    Optional<List<JobParts.JobAt>> sinks;
    if (job.has("sink") && job.has("sinks")) {
      job.error("sinks", "set sink or sinks, not both");
      sinks = Optional.empty();
    } else if (job.has("sinks")) {
      sinks = JobParts.jobsAt(job, "sinks", "the sink jobs to push to");
    } else if (job.has("sink")) {
      sinks =
          job.requiredString("sink", "the sink job to push to")
              .flatMap(text -> JobParts.jobAt(job, "sink", text))
              .map(List::of);
    } else {
      sinks = job.missing("sink", "the name of the sink job to push to");
    }
    Optional<FilesystemFilter> filesystems = JobParts.filesystems(job);
    Optional<Snapshotting> snapshotting = SnapshottingReader.snapshotting(job, defaults);
    Optional<PruningReader.Section> pruning = PruningReader.read(job, sides(true), defaults);
    Optional<Replication> replication = replication(job, defaults);
    Optional<SendOptions> send = SendReader.send(job);
    if (snapshotting.isPresent() && pruning.isPresent()) {
      checkOwnPrefix(pruning.get(), snapshotting.get().prefix());
      PruningReader.checkKeepsSomething(pruning.get(), "keep-sender", snapshotting.get().prefix());
      PruningReader.checkKeepsSomething(
          pruning.get(), "keep-receiver", snapshotting.get().prefix());
    }
    if (!allPresent(name, sinks, filesystems, snapshotting, pruning, replication, send)) {
      return Optional.empty();
    }
    return build(
        job,
        () ->
            new PushJob(
                name.get(),
                sinks.get().stream().map(JobParts.JobAt::job).toList(),
                filesystems.get(),
                snapshotting.get(),
                pruning.get().pruning("keep-sender"),
                pruning.get().pruning("keep-receiver"),
                replication.get(),
                send.get(),
                sinkNodes(sinks.get())));
  }

  private static java.util.Map<String, String> sinkNodes(List<JobParts.JobAt> sinks) {
    java.util.Map<String, String> nodes = new LinkedHashMap<>();
    sinks.forEach(s -> s.node().ifPresent(node -> nodes.put(s.job(), node)));
    return nodes;
  }

  private static Optional<JobConfig> sink(ObjectReader job, Optional<String> name) {
    Optional<DatasetName> rootFs =
        JobParts.dataset(job, "root-fs", "the dataset received filesystems go below");
    Optional<List<String>> clients =
        JobParts.names(job, "clients", "the nodes allowed to push to this sink");
    if (!allPresent(name, rootFs, clients)) {
      return Optional.empty();
    }
    return build(job, () -> new SinkJob(name.get(), rootFs.get(), clients.get()));
  }

  private static Optional<JobConfig> pull(
      ObjectReader job, Optional<String> name, JobDefaults defaults) {
    Optional<JobParts.JobAt> source =
        job.requiredString("source", "the name of the source job to pull from")
            .flatMap(text -> JobParts.jobAt(job, "source", text));
    Optional<DatasetName> rootFs =
        JobParts.dataset(job, "root-fs", "the dataset pulled filesystems go below");
    Optional<Optional<Duration>> interval;
    if (!job.has("interval")) {
      interval = job.missing("interval", "how often to pull, e.g. 10m, or manual");
    } else if (job.string("interval").map(s -> s.trim().equals("manual")).orElse(false)) {
      interval = Optional.of(Optional.empty());
    } else {
      interval = job.duration("interval").map(Optional::of);
    }
    Optional<PruningReader.Section> pruning = PruningReader.read(job, sides(true), defaults);
    Optional<Replication> replication = replication(job, defaults);
    if (!allPresent(name, source, rootFs, interval, pruning, replication)) {
      return Optional.empty();
    }
    return build(
        job,
        () ->
            new PullJob(
                name.get(),
                source.get().job(),
                rootFs.get(),
                interval.get(),
                pruning.get().pruning("keep-sender"),
                pruning.get().pruning("keep-receiver"),
                replication.get(),
                source.get().node()));
  }

  private static Optional<JobConfig> source(
      ObjectReader job, Optional<String> name, JobDefaults defaults) {
    Optional<FilesystemFilter> filesystems = JobParts.filesystems(job);
    Optional<List<String>> clients =
        JobParts.names(job, "clients", "the nodes allowed to pull from this source");
    Optional<Snapshotting> snapshotting = SnapshottingReader.snapshotting(job, defaults);
    Optional<SendOptions> send = SendReader.send(job);
    if (!allPresent(name, filesystems, clients, snapshotting, send)) {
      return Optional.empty();
    }
    return build(
        job,
        () ->
            new SourceJob(
                name.get(), filesystems.get(), clients.get(), snapshotting.get(), send.get()));
  }

  private static Optional<JobConfig> snap(
      ObjectReader job, Optional<String> name, JobDefaults defaults) {
    Optional<FilesystemFilter> filesystems = JobParts.filesystems(job);
    Optional<Snapshotting> snapshotting = SnapshottingReader.snapshotting(job, defaults);
    Optional<PruningReader.Section> pruning = PruningReader.read(job, sides(false), defaults);
    if (snapshotting.isPresent() && pruning.isPresent()) {
      checkOwnPrefix(pruning.get(), snapshotting.get().prefix());
      PruningReader.checkKeepsSomething(pruning.get(), "keep", snapshotting.get().prefix());
    }
    if (!allPresent(name, filesystems, snapshotting, pruning)) {
      return Optional.empty();
    }
    return build(
        job,
        () ->
            new SnapJob(
                name.get(), filesystems.get(), snapshotting.get(), pruning.get().pruning("keep")));
  }

  private static Map<String, PruningReader.Side> sides(boolean replicating) {
    Map<String, PruningReader.Side> sides = new LinkedHashMap<>();
    if (replicating) {
      sides.put("keep-sender", PruningReader.Side.SENDER);
      sides.put("keep-receiver", PruningReader.Side.RECEIVER);
    } else {
      sides.put("keep", PruningReader.Side.SNAP);
    }
    return sides;
  }

  /** With {@code scope = own} a job recognises its snapshots by prefix, so it needs one. */
  private static void checkOwnPrefix(PruningReader.Section pruning, Optional<String> prefix) {
    if (pruning.scope() == Pruning.Scope.OWN && prefix.isEmpty()) {
      pruning
          .reader()
          .error(
              "scope",
              "scope = own needs a snapshot prefix to tell this job's snapshots apart; "
                  + "set snapshotting.prefix or use scope = all");
    }
  }

  private static Optional<Replication> replication(ObjectReader job, JobDefaults defaults) {
    if (!job.has("replication")) {
      return Optional.of(defaults.replication());
    }
    return job.object("replication")
        .flatMap(r -> ReplicationReader.read(r, defaults.replication()));
  }

  private static boolean allPresent(Optional<?>... values) {
    for (Optional<?> value : values) {
      if (value.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static Optional<JobConfig> build(
      ObjectReader job, java.util.function.Supplier<JobConfig> constructor) {
    try {
      return Optional.of(constructor.get());
    } catch (IllegalArgumentException e) {
      job.errorHere(e.getMessage());
      return Optional.empty();
    }
  }
}
