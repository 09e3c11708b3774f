package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;

/**
 * The {@link ZfsPort} that runs the {@code zfs} command line: argument vectors only, names
 * validated before any process starts, every process under a deadline and killed with its children
 * when it passes, short commands through a fair node-wide gate, failures typed by their stderr.
 *
 * <p>Its methods block the calling thread until zfs answers: call them from a dispatcher meant for
 * blocking work. The processes themselves are drained and awaited on the adapter's own threads.
 */
public final class ZfsCli implements ZfsPort, AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ZfsCli.class);

  private final ZfsCliConfig config;
  private final ProcessRunner runner;
  private final ZfsCapabilities capabilities;
  private final Set<String> skippedNames = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private ZfsCli(ZfsCliConfig config, ProcessRunner runner, ZfsCapabilities capabilities) {
    this.config = config;
    this.runner = runner;
    this.capabilities = capabilities;
  }

  /**
   * Detects the capabilities of the configured {@code zfs} once and returns the adapter; fails with
   * {@link ZfsException.Unavailable} if zfs cannot be run or its daemon does not answer.
   */
  public static ZfsCli create(ZfsCliConfig config) {
    ProcessRunner runner = new ProcessRunner(config.maxConcurrentCommands());
    try {
      return new ZfsCli(config, runner, probe(config, runner));
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  /** An adapter with capabilities given instead of detected (tests, or a known installation). */
  public static ZfsCli withCapabilities(ZfsCliConfig config, ZfsCapabilities capabilities) {
    return new ZfsCli(config, new ProcessRunner(config.maxConcurrentCommands()), capabilities);
  }

  private static ZfsCapabilities probe(ZfsCliConfig config, ProcessRunner runner) {
    String zfs = config.zfsBinary().toString();
    ProcessResult usage = runner.run(List.of(zfs), config.commandTimeout());
    String text = usage.stderr() + usage.stdout();
    if (!ZfsCapabilityProbe.looksLikeUsage(text)) {
      throw ZfsErrorClassifier.classify(
          "(usage)", "probe", usage.command(), usage.exitCode(), usage.stderr());
    }
    boolean holdsWork = false;
    if (text.contains("holds")) {
      ProcessResult holds = runner.run(List.of(zfs, "holds"), config.commandTimeout());
      holdsWork =
          ZfsCapabilityProbe.holdsAnswered(holds.exitCode(), holds.stdout() + holds.stderr());
    }
    return ZfsCapabilityProbe.fromUsage(text, holdsWork);
  }

  @Override
  public ZfsCapabilities capabilities() {
    return capabilities;
  }

  /** The pools ZFS has imported ({@code zpool list}), e.g. for a health check. */
  public List<String> pools() {
    List<String> command = List.of(config.zpoolBinary().toString(), "list", "-H", "-o", "name");
    ProcessResult r = runner.run(command, config.commandTimeout());
    if (!r.succeeded()) {
      throw ZfsErrorClassifier.classify("(zpool list)", "pools", command, r.exitCode(), r.stderr());
    }
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  @Override
  public List<DatasetListing> list(Collection<DatasetName> roots, Set<String> userProperties) {
    userProperties.forEach(ZfsNames::requireUserProperty);
    // No roots: every pool (zrepl's "<"), which zfs get -r lists when given no dataset.
    List<DatasetName> outermost = CliListing.outermost(roots);
    List<String> command =
        command("get", CliListing.arguments(outermost, userProperties, capabilities.bookmarks()));
    return CliListing.read(
        runner.run(command, config.listTimeout()), outermost, userProperties, this::skipped);
  }

  /** A name zfleet refuses is left out of every listing, and said once. */
  private void skipped(String name, String problem) {
    if (skippedNames.size() < 10_000 && skippedNames.add(name)) {
      log.warn(
          "skipping a dataset or snapshot zfleet cannot name safely name=\"{}\" reason=\"{}\"",
          name,
          problem);
    }
  }

  @Override
  public void setUserProperty(String datasetOrSnapshot, String property, String value) {
    String target = ZfsNames.requireDatasetOrSnapshot(datasetOrSnapshot);
    ZfsNames.requireUserProperty(property);
    ZfsNames.requirePropertyValue(value);
    zfs("set", target, List.of(property + "=" + value, target));
  }

  @Override
  public void inheritUserProperty(DatasetName dataset, String property) {
    ZfsNames.requireUserProperty(property);
    zfs("inherit", dataset.value(), List.of(property, dataset.value()));
  }

  @Override
  public void createFilesystem(
      DatasetName dataset, Map<String, String> properties, boolean parents) {
    try {
      create(dataset, properties);
    } catch (ZfsException.NotFound e) {
      Optional<DatasetName> parent = dataset.parent();
      if (!parents || parent.isEmpty() || parent.get().depth() < 1) {
        throw e;
      }
      // Never `zfs create -p`: the parents it makes carry none of the properties, so zfleet could
      // not tell them for its own. Each missing parent is made on its own, marked like the child.
      try {
        createFilesystem(parent.get(), properties, true);
      } catch (ZfsException.AlreadyExists madeMeanwhile) {
        // by another step: it is there now
      }
      create(dataset, properties);
    }
  }

  private void create(DatasetName dataset, Map<String, String> properties) {
    List<String> args = new ArrayList<>();
    new TreeMap<>(properties)
        .forEach(
            (k, v) -> {
              args.add("-o");
              args.add(ZfsNames.requireProperty(k) + "=" + ZfsNames.requirePropertyValue(v));
            });
    args.add(dataset.value());
    zfs("create", dataset.value(), args);
  }

  @Override
  public void snapshot(Collection<DatasetName> datasets, String name) {
    List<String> snapshots = datasets.stream().map(d -> d.snapshot(name).full()).toList();
    if (snapshots.isEmpty()) {
      return;
    }
    if (capabilities.multipleSnapshotsPerCommand()) {
      String subject =
          snapshots.get(0)
              + (snapshots.size() > 1 ? " and " + (snapshots.size() - 1) + " more" : "");
      zfs("snapshot", subject, snapshots);
    } else {
      for (String s : snapshots) {
        zfs("snapshot", s, List.of(s));
      }
    }
  }

  @Override
  public void snapshotRecursive(DatasetName dataset, String name) {
    String snapshot = dataset.snapshot(name).full();
    zfs("snapshot", snapshot, List.of("-r", snapshot));
  }

  @Override
  public void destroySnapshot(SnapshotName snapshot) {
    zfs("destroy", snapshot.full(), List.of(snapshot.full()));
  }

  @Override
  public void hold(SnapshotName snapshot, String tag) {
    zfs("hold", snapshot.full(), List.of(ZfsNames.requireHoldTag(tag), snapshot.full()));
  }

  @Override
  public void release(SnapshotName snapshot, String tag) {
    try {
      zfs("release", snapshot.full(), List.of(ZfsNames.requireHoldTag(tag), snapshot.full()));
    } catch (ZfsException e) {
      if (!e.stderr().toLowerCase(Locale.ROOT).contains("no such tag")) {
        throw e;
      }
    }
  }

  @Override
  public Holds holds(SnapshotName snapshot) {
    if (capabilities.holdsCommand()) {
      Set<String> tags =
          ZfsOutputParser.parseHoldTags(
              zfs("holds", snapshot.full(), List.of("-H", snapshot.full())).stdout());
      return new Holds(tags.size(), Optional.of(tags));
    }
    ProcessResult r =
        zfs("get", snapshot.full(), List.of("-Hp", "-o", "value", "userrefs", snapshot.full()));
    return new Holds(ZfsOutputParser.parseUserrefs(r.stdout(), snapshot.full()), Optional.empty());
  }

  @Override
  public void bookmark(SnapshotName snapshot, String bookmark) {
    if (!capabilities.bookmarks()) {
      throw new ZfsException.Unsupported(
          "zfs bookmark " + snapshot + ": this ZFS has no bookmarks (zfs-fuse, pool version 23)",
          List.of(),
          "");
    }
    String problem = SnapshotName.shortNameProblem(bookmark);
    if (problem != null) {
      throw new IllegalArgumentException("invalid bookmark name \"" + bookmark + "\": " + problem);
    }
    String full = snapshot.dataset().value() + "#" + bookmark;
    zfs("bookmark", snapshot.full(), List.of(snapshot.full(), full));
  }

  @Override
  public void clone(SnapshotName origin, DatasetName clone, Map<String, String> properties) {
    List<String> args = new ArrayList<>();
    new TreeMap<>(properties)
        .forEach(
            (k, v) -> {
              args.add("-o");
              args.add(ZfsNames.requireProperty(k) + "=" + ZfsNames.requirePropertyValue(v));
            });
    args.add(origin.full());
    args.add(clone.value());
    zfs("clone", clone.value(), args);
  }

  @Override
  public void destroyFilesystem(DatasetName dataset) {
    if (dataset.depth() == 0) {
      throw new IllegalArgumentException("refusing to destroy the root of pool " + dataset);
    }
    zfs("destroy", dataset.value(), List.of(dataset.value()));
  }

  @Override
  public Map<DatasetName, Long> spaceUsed(Collection<DatasetName> roots) {
    List<DatasetName> outermost = CliListing.outermost(roots);
    if (outermost.isEmpty()) {
      return Map.of();
    }
    List<String> args = new ArrayList<>(List.of("-Hp", "-r", "-o", "name,value", "used"));
    outermost.forEach(d -> args.add(d.value()));
    List<String> command = command("get", args);
    ProcessResult r = runner.run(command, config.listTimeout());
    if (!r.succeeded() && !CliListing.onlyMissingDatasets(r.stderr())) {
      throw ZfsErrorClassifier.classify(
          "get", outermost.get(0).value(), command, r.exitCode(), r.stderr());
    }
    return ZfsOutputParser.parseSpaceUsed(r.stdout());
  }

  @Override
  public SendProcess send(SendRequest request) {
    List<String> args = new ArrayList<>();
    request
        .from()
        .ifPresent(
            from -> {
              args.add(request.mode() == SendRequest.Mode.INTERMEDIATE ? "-I" : "-i");
              args.add(request.to().dataset().value() + from.relativeName());
            });
    args.add(request.to().full());
    RunningProcess p =
        runner.start(
            command("send", args), config.transferTimeout(), ProcessRunner.Stdio.READ_STDOUT);
    return new CliSendProcess(p, request.to().full());
  }

  /**
   * A receive that starts {@code zfs receive -u} only once the stream's first record has been read
   * and the target checked ({@link ReceiveGuard}), and that leaves the replica inert: by {@code -o}
   * at the receive where this ZFS has it, otherwise by {@code zfs set} right after (nothing is
   * mounted meanwhile).
   */
  @Override
  public ReceiveProcess receive(ReceiveRequest request) {
    Map<String, String> properties = new TreeMap<>(request.properties());
    properties.forEach(
        (k, v) -> {
          ZfsNames.requireProperty(k);
          ZfsNames.requirePropertyValue(v);
        });
    String target = request.target().value();
    return new CliReceiveProcess(
        target,
        stream -> {
          ReceiveTarget before =
              ReceiveTarget.parse(target, query(target, ReceiveTarget.queryArguments(target)));
          ReceiveGuard.check(target, stream, before, request.force())
              .ifPresent(
                  refusal -> {
                    throw refusal;
                  });
          if (request.replica() && stream.incremental() && before.writableMount()) {
            // A replica from before receives were inert: discard what changed since its newest
            // snapshot (the stream's base, checked above) instead of receiving with -F.
            String newest = target + "@" + before.newest().orElseThrow().name();
            log.info(
                "making a mounted replica inert target=\"{}\" rollback=\"{}\"", target, newest);
            // In this order: zfs-fuse fails a rollback right after an unmount (I/O error).
            zfs("rollback", newest, List.of(newest));
            zfs("unmount", target, List.of(target));
          }
          boolean overrides = receiveOverridesProperties();
          RunningProcess p =
              runner.start(
                  command(
                      "receive",
                      ReceiveArguments.of(
                          target, request.force(), overrides, properties, request.replica())),
                  config.transferTimeout(),
                  ProcessRunner.Stdio.WRITE_STDIN);
          // What -o did not set: the request's properties on a new or overwritten target, and
          // whatever keeps the replica inert; a local mountpoint is inherited in either case.
          Map<String, String> after = new LinkedHashMap<>();
          if (!overrides && (!before.exists() || request.force())) {
            after.putAll(properties);
          }
          Map<String, String> fixes =
              !request.replica()
                  ? Map.of()
                  : before.exists() ? ReceiveGuard.fixes(before) : ReceiveGuard.INERT;
          fixes.forEach(
              (k, v) -> {
                if (!overrides || v == null) {
                  after.put(k, v);
                }
              });
          return new CliReceiveProcess.Started(
              p,
              () -> {
                after.forEach(
                    (k, v) -> {
                      if (v == null) {
                        zfs("inherit", target, List.of(k, target));
                      } else {
                        zfs("set", target, List.of(k + "=" + v, target));
                      }
                    });
                if (!request.replica()) {
                  mountRestored(target);
                }
              });
        },
        runner::execute);
  }

  /**
   * A restored filesystem (received {@code -u} like every stream) is mounted as its own properties
   * say; one that cannot be is named once, the restore itself has succeeded.
   */
  private void mountRestored(String target) {
    try {
      String[] values =
          zfs("get", target, List.of("-H", "-o", "value", "mounted,canmount", target))
              .stdout()
              .strip()
              .split("\\s+");
      if (values.length == 2 && values[0].equals("no") && values[1].equals("on")) {
        zfs("mount", target, List.of(target));
      }
    } catch (ZfsException e) {
      log.warn("restored but not mounted target=\"{}\" reason=\"{}\"", target, e.getMessage());
    }
  }

  /** The output of {@code zfs get ARGS} for {@code target}, empty if it does not exist. */
  private String query(String target, List<String> args) {
    try {
      return zfs("get", target, args).stdout();
    } catch (ZfsException.NotFound e) {
      return "";
    }
  }

  private volatile Boolean receiveOverrides;

  /** Whether {@code zfs receive} takes {@code -o}: read from the usage text on first need. */
  private boolean receiveOverridesProperties() {
    Boolean known = receiveOverrides;
    if (known == null) {
      ProcessResult usage =
          runner.run(List.of(config.zfsBinary().toString()), config.commandTimeout());
      known = ReceiveArguments.overridesProperties(usage.stderr() + usage.stdout());
      receiveOverrides = known;
    }
    return known;
  }

  private ProcessResult zfs(String verb, String subject, List<String> args) {
    List<String> command = command(verb, args);
    ProcessResult r = runner.run(command, config.commandTimeout());
    if (!r.succeeded()) {
      // Some failures (zfs-fuse's internal errors) are printed on stdout.
      String message = r.stderr().isBlank() ? r.stdout() : r.stderr();
      throw ZfsErrorClassifier.classify(verb, subject, command, r.exitCode(), message);
    }
    return r;
  }

  private List<String> command(String verb, List<String> args) {
    List<String> command = new ArrayList<>(args.size() + 2);
    command.add(config.zfsBinary().toString());
    command.add(verb);
    command.addAll(args);
    return command;
  }

  /**
   * Tells {@code listener} of every short command from now on (metrics); one listener at a time.
   */
  public void commandListener(CommandListener listener) {
    runner.listener(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /**
   * A size property in bytes ({@code used}, {@code referenced}, {@code written}) of a dataset or
   * snapshot, for progress estimates; empty where this ZFS does not have the property.
   */
  public java.util.OptionalLong sizeProperty(String datasetOrSnapshot, String property) {
    String target = ZfsNames.requireDatasetOrSnapshot(datasetOrSnapshot);
    if (!Set.of("used", "referenced", "written", "logicalreferenced").contains(property)) {
      throw new IllegalArgumentException("not a size property: " + property);
    }
    List<String> command = command("get", List.of("-Hp", "-o", "value", property, target));
    ProcessResult r = runner.run(command, config.commandTimeout());
    String value = r.stdout().strip();
    return r.succeeded() && value.matches("\\d{1,19}")
        ? java.util.OptionalLong.of(Long.parseLong(value))
        : java.util.OptionalLong.empty();
  }

  /** Stops the adapter's threads once idle; running processes still die at their deadlines. */
  @Override
  public void close() {
    runner.close();
  }
}
