package org.zfleet.zfs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.model.SnapshotName;
import org.zfleet.zfs.ModelHooks.Op;

/**
 * ZFS in memory, for tests of everything above the port: pools and filesystems as a tree, guids
 * from a seeded Random, createtxg from a per-pool counter, creation from an injected Clock, holds
 * that block destroy, user properties with inheritance, and file contents per filesystem so data
 * can be checked after replication. Sends produce a {@link ModelStream}; receives check it as ZFS
 * does. The {@link ZfsPortContract} holds it to the behaviour of real zfs-fuse.
 *
 * <p>It models zfs-fuse by default; give it {@link ZfsCapabilities#openZfs()} for bookmarks, holds
 * with tags and several snapshots per command. Thread-safe: every operation takes one lock.
 */
public final class InMemoryZfs implements ZfsPort {

  private final Clock clock;
  private final Random random;
  private final ZfsCapabilities capabilities;
  private final ModelHooks hooks = new ModelHooks();
  private final TreeMap<DatasetName, ModelDataset> datasets = new TreeMap<>(TreeOrder::compare);
  private final Map<String, Long> txgs = new HashMap<>();
  private final Set<Long> usedGuids = new HashSet<>();
  private long writeGens;

  /** zfs-fuse capabilities, the system clock, seed 1. */
  public InMemoryZfs() {
    this(Clock.systemUTC(), 1L, ZfsCapabilities.zfsFuse());
  }

  public InMemoryZfs(Clock clock, long seed, ZfsCapabilities capabilities) {
    this.clock = clock;
    this.random = new Random(seed);
    this.capabilities = capabilities;
  }

  /** Creates pools (their root filesystems); returns this for chaining. */
  public synchronized InMemoryZfs createPools(String... pools) {
    for (String pool : pools) {
      DatasetName root = DatasetName.of(pool);
      if (root.depth() != 0 || datasets.containsKey(root)) {
        throw new IllegalArgumentException("not a new pool name: " + pool);
      }
      createDataset(root);
    }
    return this;
  }

  /** The test hooks: command counts, injected failures, stalled and slow sends. */
  public ModelHooks hooks() {
    return hooks;
  }

  @Override
  public ZfsCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public synchronized List<DatasetListing> list(
      Collection<DatasetName> roots, Set<String> userProperties) {
    userProperties.stream()
        .filter(p -> !p.equals(DatasetListing.USERREFS) && !p.equals(DatasetListing.RESUME_TOKEN))
        .filter(p -> !DatasetListing.RECEIVE_STATE.contains(p))
        .forEach(ZfsNames::requireUserProperty);
    if (userProperties.contains(DatasetListing.RESUME_TOKEN)
        && !capabilities().resumableReceive()) {
      throw new ZfsException.Unsupported("no resumable receive here", List.of(), "");
    }
    // No roots: every pool, as zfs get -r without a dataset.
    command(Op.LIST, roots.isEmpty() ? "" : roots.iterator().next().value());
    List<DatasetListing> out = new ArrayList<>();
    for (ModelDataset ds : datasets.values()) {
      if (!roots.isEmpty() && roots.stream().noneMatch(ds.name::isWithin)) {
        continue;
      }
      List<FilesystemVersion> versions = new ArrayList<>(ds.bookmarks);
      Map<String, Map<String, String>> versionProperties = new TreeMap<>();
      for (ModelSnapshot s : ds.snapshots) {
        versions.add(s.version());
        Map<String, String> props = new TreeMap<>();
        for (String p : userProperties) {
          if (p.equals(DatasetListing.USERREFS)) {
            if (!s.holds.isEmpty()) {
              props.put(p, Integer.toString(s.holds.size()));
            }
          } else {
            snapshotProperty(ds, s, p).ifPresent(v -> props.put(p, v));
          }
        }
        if (!props.isEmpty()) {
          versionProperties.put(s.name, props);
        }
      }
      versions.sort(ZfsOutputParser.VERSION_ORDER);
      // A dataset's own values only, as ZfsCli lists them; snapshots inherit from their dataset.
      Map<String, String> props = new TreeMap<>();
      for (String p : userProperties) {
        Optional.ofNullable(ds.localProperties.get(p)).ifPresent(v -> props.put(p, v));
      }
      if (userProperties.contains(DatasetListing.RESUME_TOKEN) && ds.partial != null) {
        props.put(DatasetListing.RESUME_TOKEN, ModelResume.tokenOf(this, ds.partial));
      }
      out.add(
          new DatasetListing(
              ds.name, DatasetListing.Type.FILESYSTEM, versions, props, versionProperties));
    }
    return List.copyOf(out);
  }

  /**
   * A dataset's snapshot names, oldest first, or none if it does not exist: for tests to look
   * without counting a command.
   */
  public synchronized List<String> peekSnapshots(DatasetName dataset) {
    ModelDataset ds = datasets.get(dataset);
    return ds == null ? List.of() : ds.snapshots.stream().map(s -> s.name).toList();
  }

  /** A dataset's or snapshot's user property, set locally or inherited: for tests to look. */
  public synchronized Optional<String> getUserProperty(String datasetOrSnapshot, String property) {
    String target = ZfsNames.requireDatasetOrSnapshot(datasetOrSnapshot);
    ZfsNames.requireUserProperty(property);
    command(Op.GET, target);
    if (target.indexOf('@') >= 0) {
      SnapshotName name = SnapshotName.parse(target);
      return snapshotProperty(
          dataset("get", target, name.dataset()), snapshot("get", name), property);
    }
    return effective(dataset("get", target, DatasetName.of(target)), property);
  }

  @Override
  public synchronized void setUserProperty(
      String datasetOrSnapshot, String property, String value) {
    String target = ZfsNames.requireDatasetOrSnapshot(datasetOrSnapshot);
    ZfsNames.requireUserProperty(property);
    ZfsNames.requirePropertyValue(value);
    command(Op.SET, target);
    if (target.indexOf('@') >= 0) {
      snapshot("set", SnapshotName.parse(target)).localProperties.put(property, value);
    } else {
      dataset("set", target, DatasetName.of(target)).localProperties.put(property, value);
    }
  }

  @Override
  public synchronized void inheritUserProperty(DatasetName dataset, String property) {
    ZfsNames.requireUserProperty(property);
    command(Op.INHERIT, dataset.value());
    dataset("inherit", dataset.value(), dataset).localProperties.remove(property);
  }

  @Override
  public synchronized void createFilesystem(
      DatasetName dataset, Map<String, String> properties, boolean parents) {
    properties.forEach(
        (k, v) -> {
          ZfsNames.requireProperty(k);
          ZfsNames.requirePropertyValue(v);
        });
    command(Op.CREATE, dataset.value());
    if (datasets.containsKey(dataset)) {
      throw ModelErrors.exists(
          "create", dataset.value(), "cannot create '" + dataset + "': dataset already exists");
    }
    List<DatasetName> missing = new ArrayList<>();
    for (Optional<DatasetName> p = dataset.parent(); p.isPresent(); p = p.get().parent()) {
      if (!datasets.containsKey(p.get())) {
        missing.add(0, p.get());
      }
    }
    if (!missing.isEmpty() && (!parents || !datasets.containsKey(DatasetName.of(dataset.pool())))) {
      throw new ZfsException.NotFound(
          "zfs create " + dataset + ": cannot create '" + dataset + "': parent does not exist",
          List.of(),
          "");
    }
    // Each missing parent is made on its own with the same properties, as ZfsCli does.
    missing.forEach(p -> createDataset(p).localProperties.putAll(properties));
    createDataset(dataset).localProperties.putAll(properties);
  }

  @Override
  public synchronized void snapshot(Collection<DatasetName> datasets, String name) {
    List<SnapshotName> names = datasets.stream().map(d -> d.snapshot(name)).toList();
    if (names.isEmpty()) {
      return;
    }
    if (capabilities.multipleSnapshotsPerCommand()) {
      String subject = names.get(0).full();
      command(Op.SNAPSHOT, subject);
      takeAtomically("snapshot", subject, names);
    } else {
      for (SnapshotName s : names) {
        command(Op.SNAPSHOT, s.full());
        takeAtomically("snapshot", s.full(), List.of(s));
      }
    }
  }

  @Override
  public synchronized void snapshotRecursive(DatasetName dataset, String name) {
    String subject = dataset.snapshot(name).full();
    command(Op.SNAPSHOT, subject);
    dataset("snapshot", subject, dataset);
    List<SnapshotName> names = new ArrayList<>();
    for (DatasetName d : datasets.keySet()) {
      if (d.isWithin(dataset)) {
        names.add(d.snapshot(name));
      }
    }
    takeAtomically("snapshot", subject, names);
  }

  /** All snapshots in one txg, or none: checks every name before making any. */
  private void takeAtomically(String verb, String subject, List<SnapshotName> names) {
    for (SnapshotName s : names) {
      ModelDataset ds = dataset(verb, subject, s.dataset());
      if (ds.snapshot(s.name()).isPresent()) {
        throw ModelErrors.exists(
            verb, subject, "cannot create snapshot '" + s + "': dataset already exists");
      }
    }
    Map<String, Long> txgOfPool = new HashMap<>();
    for (SnapshotName s : names) {
      ModelDataset ds = datasets.get(s.dataset());
      long txg = txgOfPool.computeIfAbsent(ds.name.pool(), this::nextTxg);
      ds.snapshots.add(new ModelSnapshot(s.name(), newGuid(), txg, now(), ds.files, ds.writeGen));
    }
  }

  @Override
  public synchronized void destroySnapshot(SnapshotName snapshot) {
    command(Op.DESTROY, snapshot.full());
    ModelSnapshot s = snapshot("destroy", snapshot);
    if (!s.holds.isEmpty()) {
      throw ModelErrors.busy("destroy", snapshot.full(), snapshot.full());
    }
    if (datasets.values().stream().anyMatch(d -> snapshot.equals(d.origin))) {
      throw ModelErrors.failed(
          "destroy",
          snapshot.full(),
          "cannot destroy '" + snapshot + "': snapshot has dependent clones");
    }
    datasets.get(snapshot.dataset()).snapshots.remove(s);
  }

  @Override
  public synchronized DestroyResult destroySnapshots(
      DatasetName filesystem, Collection<String> snapshots) {
    List<String> names = new ArrayList<>(new java.util.LinkedHashSet<>(snapshots));
    names.forEach(filesystem::snapshot);
    Set<String> destroyed = new java.util.LinkedHashSet<>();
    Map<String, ZfsException> failed = new HashMap<>();
    List<String> oneByOne = names;
    ModelDataset ds = datasets.get(filesystem);
    if (capabilities.destroySnapshotList() && names.size() > 1) {
      // One command for the list, all or nothing as OpenZFS does; names that do not exist are
      // skipped. When one is held, each is tried on its own.
      ZfsException injected = hooks.command(Op.DESTROY, filesystem.snapshot(names.get(0)).full());
      boolean anyHeld =
          ds != null
              && names.stream()
                  .map(ds::snapshot)
                  .anyMatch(s -> s.isPresent() && !s.get().holds.isEmpty());
      if (injected == null && ds != null && !anyHeld) {
        oneByOne = List.of();
        for (String name : names) {
          Optional<ModelSnapshot> s = ds.snapshot(name);
          if (s.isPresent()) {
            ds.snapshots.remove(s.get());
            destroyed.add(name);
          } else {
            failed.put(
                name,
                ModelErrors.notFound(
                    "destroy", filesystem.snapshot(name).full(), filesystem.snapshot(name).full()));
          }
        }
      }
    }
    for (String name : oneByOne) {
      try {
        destroySnapshot(filesystem.snapshot(name));
        destroyed.add(name);
      } catch (ZfsException e) {
        if (e instanceof ZfsException.Unavailable || e instanceof ZfsException.Timeout) {
          throw e;
        }
        failed.put(name, e);
      }
    }
    return new DestroyResult(destroyed, failed);
  }

  @Override
  public synchronized void destroyBookmark(DatasetName filesystem, String bookmark) {
    requireBookmarks("destroy", filesystem.value());
    String full = filesystem.value() + "#" + bookmark;
    command(Op.DESTROY, full);
    ModelDataset ds = dataset("destroy", full, filesystem);
    FilesystemVersion b =
        ds.bookmark(bookmark).orElseThrow(() -> ModelErrors.notFound("destroy", full, full));
    ds.bookmarks.remove(b);
  }

  @Override
  public synchronized void hold(SnapshotName snapshot, String tag) {
    ZfsNames.requireHoldTag(tag);
    command(Op.HOLD, snapshot.full());
    if (!snapshot("hold", snapshot).holds.add(tag)) {
      throw ModelErrors.exists(
          "hold",
          snapshot.full(),
          "cannot hold '" + snapshot + "': tag already exists on this dataset");
    }
  }

  @Override
  public synchronized void release(SnapshotName snapshot, String tag) {
    ZfsNames.requireHoldTag(tag);
    command(Op.RELEASE, snapshot.full());
    snapshot("release", snapshot).holds.remove(tag);
  }

  @Override
  public synchronized Map<SnapshotName, String> holdAll(
      String tag, Collection<SnapshotName> snapshots) {
    ZfsNames.requireHoldTag(tag);
    Map<SnapshotName, String> failed = new java.util.LinkedHashMap<>();
    for (List<SnapshotName> chunk : CliHolds.chunks(new java.util.LinkedHashSet<>(snapshots))) {
      command(Op.HOLD, chunk.get(0).full());
      for (SnapshotName s : chunk) {
        Optional<ModelSnapshot> found =
            Optional.ofNullable(datasets.get(s.dataset())).flatMap(d -> d.snapshot(s.name()));
        if (found.isPresent()) {
          found.get().holds.add(tag);
        } else {
          failed.put(s, "dataset does not exist");
        }
      }
    }
    return failed;
  }

  @Override
  public synchronized Map<SnapshotName, String> releaseAll(
      String tag, Collection<SnapshotName> snapshots) {
    ZfsNames.requireHoldTag(tag);
    for (List<SnapshotName> chunk : CliHolds.chunks(new java.util.LinkedHashSet<>(snapshots))) {
      command(Op.RELEASE, chunk.get(0).full());
      for (SnapshotName s : chunk) {
        Optional.ofNullable(datasets.get(s.dataset()))
            .flatMap(d -> d.snapshot(s.name()))
            .ifPresent(found -> found.holds.remove(tag));
      }
    }
    return Map.of();
  }

  @Override
  public synchronized void holdRecursive(String tag, SnapshotName snapshot) {
    ZfsNames.requireHoldTag(tag);
    command(Op.HOLD, snapshot.full());
    List<ModelSnapshot> all = recursive("hold", snapshot);
    for (ModelSnapshot s : all) {
      if (s.holds.contains(tag)) {
        throw ModelErrors.exists(
            "hold",
            snapshot.full(),
            "cannot hold '" + s.name + "': tag already exists on this dataset");
      }
    }
    all.forEach(s -> s.holds.add(tag));
  }

  @Override
  public synchronized void releaseRecursive(String tag, SnapshotName snapshot) {
    ZfsNames.requireHoldTag(tag);
    command(Op.RELEASE, snapshot.full());
    List<ModelSnapshot> all = recursive("release", snapshot);
    for (ModelSnapshot s : all) {
      if (!s.holds.contains(tag)) {
        throw new ZfsException.Failed(
            "zfs release -r " + tag + " " + snapshot + ": no such tag on " + s.name,
            List.of(),
            "cannot release '" + tag + "' from '" + s.name + "': no such tag on this dataset");
      }
    }
    all.forEach(s -> s.holds.remove(tag));
  }

  /** The snapshot and the snapshots of its name on every descendant, as zfs -r finds them. */
  private List<ModelSnapshot> recursive(String verb, SnapshotName snapshot) {
    List<ModelSnapshot> all = new ArrayList<>(List.of(snapshot(verb, snapshot)));
    for (ModelDataset ds : datasets.values()) {
      if (ds.name.isWithin(snapshot.dataset()) && !ds.name.equals(snapshot.dataset())) {
        ds.snapshot(snapshot.name()).ifPresent(all::add);
      }
    }
    return all;
  }

  @Override
  public synchronized Holds holds(SnapshotName snapshot) {
    command(capabilities.holdsCommand() ? Op.HOLDS : Op.GET, snapshot.full());
    Set<String> tags = snapshot("holds", snapshot).holds;
    return new Holds(
        tags.size(),
        capabilities.holdsCommand() ? Optional.of(Set.copyOf(tags)) : Optional.empty());
  }

  private void requireBookmarks(String verb, String subject) {
    if (!capabilities.bookmarks()) {
      throw new ZfsException.Unsupported(
          "zfs " + verb + " " + subject + ": this ZFS has no bookmarks (zfs-fuse, pool version 23)",
          List.of(),
          "");
    }
  }

  @Override
  public synchronized void bookmark(SnapshotName snapshot, String bookmark) {
    requireBookmarks("bookmark", snapshot.full());
    String problem = SnapshotName.shortNameProblem(bookmark);
    if (problem != null) {
      throw new IllegalArgumentException("invalid bookmark name \"" + bookmark + "\": " + problem);
    }
    command(Op.BOOKMARK, snapshot.full());
    ModelSnapshot s = snapshot("bookmark", snapshot);
    ModelDataset ds = datasets.get(snapshot.dataset());
    if (ds.bookmark(bookmark).isPresent()) {
      throw ModelErrors.exists("bookmark", snapshot.full(), "bookmark exists");
    }
    ds.bookmarks.add(FilesystemVersion.bookmark(bookmark, s.guid, s.createTxg, s.creation));
  }

  @Override
  public synchronized void clone(
      SnapshotName origin, DatasetName clone, Map<String, String> properties) {
    properties.forEach(
        (k, v) -> {
          ZfsNames.requireProperty(k);
          ZfsNames.requirePropertyValue(v);
        });
    command(Op.CLONE, clone.value());
    ModelSnapshot source = snapshot("clone", origin);
    if (!clone.pool().equals(origin.dataset().pool())) {
      throw ModelErrors.failed(
          "clone", clone.value(), "cannot create '" + clone + "': source and target pools differ");
    }
    if (datasets.containsKey(clone)) {
      throw ModelErrors.exists(
          "clone", clone.value(), "cannot create '" + clone + "': dataset already exists");
    }
    dataset("clone", clone.value(), clone.parent().orElseThrow());
    ModelDataset made = createDataset(clone);
    made.files = new TreeMap<>(source.files);
    made.origin = origin;
    made.localProperties.putAll(properties);
  }

  @Override
  public synchronized void destroyFilesystem(DatasetName dataset) {
    if (dataset.depth() == 0) {
      throw new IllegalArgumentException("refusing to destroy the root of pool " + dataset);
    }
    command(Op.DESTROY, dataset.value());
    ModelDataset ds = dataset("destroy", dataset.value(), dataset);
    boolean children =
        datasets.keySet().stream().anyMatch(d -> d.isWithin(dataset) && !d.equals(dataset));
    if (children || !ds.snapshots.isEmpty()) {
      throw ModelErrors.failed(
          "destroy",
          dataset.value(),
          "cannot destroy '" + dataset + "': filesystem has children or snapshots");
    }
    datasets.remove(dataset);
  }

  /** Bytes of the files a filesystem's head and its snapshots hold, children included. */
  @Override
  public synchronized Map<DatasetName, Long> spaceUsed(Collection<DatasetName> roots) {
    command(Op.GET, roots.isEmpty() ? "" : roots.iterator().next().value());
    Map<DatasetName, Long> used = new TreeMap<>(TreeOrder::compare);
    for (ModelDataset ds : datasets.values()) {
      if (roots.stream().noneMatch(ds.name::isWithin)) {
        continue;
      }
      long bytes = 0;
      for (ModelDataset d : datasets.values()) {
        if (d.name.isWithin(ds.name)) {
          bytes += size(d.files);
          for (ModelSnapshot s : d.snapshots) {
            bytes += size(s.files);
          }
        }
      }
      used.put(ds.name, bytes);
    }
    return used;
  }

  private static long size(Map<String, byte[]> files) {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  @Override
  public synchronized SendProcess send(SendRequest request) {
    String subject = request.to().full();
    requireFlags(request);
    ZfsException injected = hooks.command(Op.SEND, subject);
    try {
      byte[] stream = ModelStream.encode(ModelSender.substreams(this, request));
      return new ModelSendProcess(stream, injected, hooks, subject);
    } catch (ZfsException e) {
      return new ModelSendProcess(new byte[0], e, hooks, subject);
    }
  }

  @Override
  public synchronized OptionalLong estimateSendSize(SendRequest request) {
    requireFlags(request);
    if (!capabilities.sendSizeEstimate()) {
      return OptionalLong.empty();
    }
    command(Op.SEND, request.to().full());
    return OptionalLong.of(ModelStream.encode(ModelSender.substreams(this, request)).length);
  }

  private void requireFlags(SendRequest request) {
    if (!capabilities.sends(request.flags())) {
      throw new ZfsException.Unsupported(
          "zfs send "
              + request.to()
              + ": this ZFS has no "
              + request.flags().stream().map(f -> "send " + f.option()).toList(),
          List.of(),
          "");
    }
    if (request.from().isPresent()
        && request.from().get().kind() == FilesystemVersion.Kind.BOOKMARK) {
      requireBookmarks("send", request.to().full());
    }
  }

  @Override
  public synchronized ReceiveProcess receive(ReceiveRequest request) {
    request
        .properties()
        .forEach(
            (k, v) -> {
              ZfsNames.requireProperty(k);
              ZfsNames.requirePropertyValue(v);
            });
    if (request.resumable() && !capabilities.resumableReceive()) {
      throw new ZfsException.Unsupported(
          "zfs receive " + request.target() + ": this ZFS has no resumable receive", List.of(), "");
    }
    ZfsException injected = hooks.command(Op.RECEIVE, request.target().value());
    return new ModelReceiveProcess(
        request.target().value(),
        request.resumable(),
        stream -> {
          if (injected != null) {
            return injected;
          }
          synchronized (this) {
            return ModelReceiver.apply(this, request, stream);
          }
        });
  }

  @Override
  public synchronized Optional<ResumeToken> resumeToken(DatasetName target) {
    return ModelResume.resumeToken(this, target);
  }

  @Override
  public synchronized Optional<ResumeToken> decodeResumeToken(String token) {
    return capabilities().resumableReceive() ? ModelResume.decode(token) : Optional.empty();
  }

  @Override
  public synchronized SendProcess resumeSend(ResumeToken token) {
    return ModelResume.resumeSend(this, token);
  }

  @Override
  public synchronized void abortResumableReceive(DatasetName target) {
    ModelResume.abort(this, target);
  }

  // ---- test helpers: data in filesystems

  /** Writes a file into a filesystem's head (its live contents). */
  public synchronized void writeFile(DatasetName dataset, String path, byte[] data) {
    ModelDataset ds = dataset("write", dataset.value(), dataset);
    ds.files.put(path, data.clone());
    ds.writeGen = newWriteGen();
  }

  public synchronized Optional<byte[]> readFile(DatasetName dataset, String path) {
    return Optional.ofNullable(dataset("read", dataset.value(), dataset).files.get(path))
        .map(byte[]::clone);
  }

  public synchronized void deleteFile(DatasetName dataset, String path) {
    ModelDataset ds = dataset("write", dataset.value(), dataset);
    if (ds.files.remove(path) != null) {
      ds.writeGen = newWriteGen();
    }
  }

  /** SHA-256 over the paths and contents of a filesystem's head. */
  public synchronized String contentChecksum(DatasetName dataset) {
    return checksum(dataset("read", dataset.value(), dataset).files);
  }

  /** SHA-256 over the paths and contents of a snapshot. */
  public synchronized String contentChecksum(SnapshotName snapshot) {
    return checksum(snapshot("read", snapshot).files);
  }

  public synchronized boolean exists(DatasetName dataset) {
    return datasets.containsKey(dataset);
  }

  /** Removes a filesystem and everything below it, held or not (test clean-up). */
  public synchronized void destroyRecursive(DatasetName dataset) {
    datasets.keySet().removeIf(d -> d.isWithin(dataset));
  }

  private static String checksum(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
        sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Long.toString(f.getValue().length).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(f.getValue());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- for ModelSender, ModelReceiver and ModelResume, under the lock

  /** The dataset holding a snapshot with this guid, if any. */
  Optional<ModelDataset> snapshotByGuid(long guid) {
    return datasets.values().stream().filter(d -> d.snapshotByGuid(guid).isPresent()).findFirst();
  }

  ModelDataset find(DatasetName name) {
    return datasets.get(name);
  }

  ModelDataset createDataset(DatasetName name) {
    ModelDataset ds = new ModelDataset(name, newGuid(), nextTxg(name.pool()), now(), newWriteGen());
    datasets.put(name, ds);
    return ds;
  }

  long nextTxg(String pool) {
    return txgs.merge(pool, 1L, Long::sum) + 10;
  }

  long newWriteGen() {
    return ++writeGens;
  }

  ModelDataset dataset(String verb, String subject, DatasetName name) {
    ModelDataset ds = datasets.get(name);
    if (ds == null) {
      throw ModelErrors.notFound(verb, subject, name.value());
    }
    return ds;
  }

  ModelSnapshot snapshot(String verb, SnapshotName name) {
    return dataset(verb, name.full(), name.dataset())
        .snapshot(name.name())
        .orElseThrow(() -> ModelErrors.notFound(verb, name.full(), name.full()));
  }

  private long newGuid() {
    long guid;
    do {
      guid = random.nextLong();
    } while (guid == 0 || !usedGuids.add(guid));
    return guid;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  void command(Op op, String subject) {
    ZfsException injected = hooks.command(op, subject);
    if (injected != null) {
      throw injected;
    }
  }

  private Optional<String> effective(ModelDataset ds, String property) {
    for (Optional<DatasetName> d = Optional.of(ds.name); d.isPresent(); d = d.get().parent()) {
      ModelDataset at = datasets.get(d.get());
      String value = at == null ? null : at.localProperties.get(property);
      if (value != null) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  private Optional<String> snapshotProperty(ModelDataset ds, ModelSnapshot s, String property) {
    String local = s.localProperties.get(property);
    return local != null ? Optional.of(local) : effective(ds, property);
  }
}
