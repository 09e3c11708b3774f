package org.zfleet.zfs;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
  private final CliCommands commands;
  private final CliTransfers transfers;
  private final CliDatasets datasets;
  private final Set<String> skippedNames = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private ZfsCli(ZfsCliConfig config, ProcessRunner runner, ZfsCapabilities capabilities) {
    this.config = config;
    this.runner = runner;
    this.capabilities = capabilities;
    this.commands = new CliCommands(config, runner);
    this.transfers = new CliTransfers(commands, capabilities);
    this.datasets = new CliDatasets(commands, capabilities);
  }

  /**
   * Detects the capabilities of the configured {@code zfs} once and returns the adapter; fails with
   * {@link ZfsException.Unavailable} if zfs cannot be run or its daemon does not answer.
   */
  public static ZfsCli create(ZfsCliConfig config) {
    ProcessRunner runner = new ProcessRunner(config.maxConcurrentCommands());
    try {
      return new ZfsCli(config, runner, ZfsCapabilityProbe.probe(config, runner));
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
  }

  /** An adapter with capabilities given instead of detected (tests, or a known installation). */
  public static ZfsCli withCapabilities(ZfsCliConfig config, ZfsCapabilities capabilities) {
    return new ZfsCli(config, new ProcessRunner(config.maxConcurrentCommands()), capabilities);
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
    userProperties.stream()
        .filter(p -> !p.equals(DatasetListing.USERREFS) && !p.equals(DatasetListing.RESUME_TOKEN))
        .filter(p -> !DatasetListing.RECEIVE_STATE.contains(p))
        .forEach(ZfsNames::requireUserProperty);
    if (userProperties.contains(DatasetListing.RESUME_TOKEN) && !capabilities.resumableReceive()) {
      throw new ZfsException.Unsupported(
          "zfs get " + DatasetListing.RESUME_TOKEN + ": this ZFS has no resumable receive",
          List.of(),
          "");
    }
    // No roots: every pool (zrepl's "<"), which zfs get -r lists when given no dataset.
    List<DatasetName> outermost = CliListing.outermost(roots);
    return CliListing.list(commands, capabilities, outermost, userProperties, this::skipped);
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
    datasets.createFilesystem(dataset, properties, parents);
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
  public DestroyResult destroySnapshots(DatasetName filesystem, Collection<String> snapshots) {
    return CliDestroy.destroySnapshots(commands, capabilities, filesystem, snapshots);
  }

  @Override
  public void destroyBookmark(DatasetName filesystem, String bookmark) {
    datasets.destroyBookmark(filesystem, bookmark);
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
  public Map<SnapshotName, String> holdAll(String tag, Collection<SnapshotName> snapshots) {
    return CliHolds.run("hold", ZfsNames.requireHoldTag(tag), snapshots, this::run);
  }

  @Override
  public Map<SnapshotName, String> releaseAll(String tag, Collection<SnapshotName> snapshots) {
    return CliHolds.run("release", ZfsNames.requireHoldTag(tag), snapshots, this::run);
  }

  @Override
  public void holdRecursive(String tag, SnapshotName snapshot) {
    zfs("hold", snapshot.full(), List.of("-r", ZfsNames.requireHoldTag(tag), snapshot.full()));
  }

  @Override
  public void releaseRecursive(String tag, SnapshotName snapshot) {
    zfs("release", snapshot.full(), List.of("-r", ZfsNames.requireHoldTag(tag), snapshot.full()));
  }

  private ProcessResult run(List<String> args) {
    return commands.run(args.get(0), args.subList(1, args.size()));
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
    datasets.bookmark(snapshot, bookmark);
  }

  @Override
  public void clone(SnapshotName origin, DatasetName clone, Map<String, String> properties) {
    datasets.clone(origin, clone, properties);
  }

  @Override
  public void destroyFilesystem(DatasetName dataset) {
    datasets.destroyFilesystem(dataset);
  }

  @Override
  public Map<DatasetName, Long> spaceUsed(Collection<DatasetName> roots) {
    return CliSizes.spaceUsed(commands, roots);
  }

  @Override
  public boolean encrypted(DatasetName dataset) {
    if (!capabilities.encryption()) {
      return false;
    }
    String value =
        zfs("get", dataset.value(), List.of("-H", "-o", "value", "encryption", dataset.value()))
            .stdout()
            .strip();
    return !value.equals("off") && !value.equals("-") && !value.isEmpty();
  }

  @Override
  public SendProcess send(SendRequest request) {
    return transfers.send(request);
  }

  @Override
  public OptionalLong estimateSendSize(SendRequest request) {
    return transfers.estimateSendSize(request);
  }

  /**
   * A receive that starts {@code zfs receive -u} only once the stream's first record has been read
   * and the target checked ({@link ReceiveGuard}), and that leaves a replica inert: see {@link
   * CliTransfers#receive}.
   */
  @Override
  public ReceiveProcess receive(ReceiveRequest request) {
    return transfers.receive(request);
  }

  @Override
  public Optional<ResumeToken> resumeToken(DatasetName target) {
    return transfers.resumeToken(target);
  }

  @Override
  public SendProcess resumeSend(ResumeToken token) {
    return transfers.resumeSend(token);
  }

  @Override
  public Optional<ResumeToken> decodeResumeToken(String token) {
    return transfers.decodeResumeToken(token);
  }

  @Override
  public void abortResumableReceive(DatasetName target) {
    transfers.abortResumableReceive(target);
  }

  private ProcessResult zfs(String verb, String subject, List<String> args) {
    return commands.zfs(verb, subject, args);
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
  public OptionalLong sizeProperty(String datasetOrSnapshot, String property) {
    return CliSizes.sizeProperty(commands, datasetOrSnapshot, property);
  }

  /** Stops the adapter's threads once idle; running processes still die at their deadlines. */
  @Override
  public void close() {
    runner.close();
  }
}
