package org.zfleet.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.model.DatasetName;

/** Checks that concern several jobs of one file: names, peers, and datasets two jobs share. */
final class CrossChecks {

  private CrossChecks() {}

  static void check(List<JobReader.ReadJob> jobs) {
    duplicateNames(jobs);
    peers(jobs);
    overlaps(jobs);
  }

  private static void duplicateNames(List<JobReader.ReadJob> jobs) {
    Map<String, JobReader.ReadJob> first = new HashMap<>();
    for (JobReader.ReadJob job : jobs) {
      if (job.name().isEmpty()) {
        continue;
      }
      JobReader.ReadJob earlier = first.putIfAbsent(job.name().get(), job);
      if (earlier != null) {
        job.reader()
            .error(
                "name",
                "duplicate job name \""
                    + job.name().get()
                    + "\" (also "
                    + earlier.reader().path()
                    + " at line "
                    + earlier.reader().locationOf("name").line()
                    + ")");
      }
    }
  }

  /**
   * A push's sinks and a pull's source: defined here with the right type, or (a warning) elsewhere.
   */
  private static void peers(List<JobReader.ReadJob> jobs) {
    Map<String, JobConfig> byName = new HashMap<>();
    jobs.forEach(j -> j.job().ifPresent(c -> byName.putIfAbsent(c.name(), c)));
    for (JobReader.ReadJob read : jobs) {
      if (read.job().isEmpty()) {
        continue;
      }
      JobConfig job = read.job().get();
      if (job instanceof PushJob push) {
        String key = read.reader().has("sinks") ? "sinks" : "sink";
        for (String sink : push.sinks()) {
          peer(read, key, sink, byName.get(sink), JobConfig.Type.SINK);
        }
      } else if (job instanceof PullJob pull) {
        peer(read, "source", pull.source(), byName.get(pull.source()), JobConfig.Type.SOURCE);
      }
    }
  }

  private static void peer(
      JobReader.ReadJob read, String key, String name, JobConfig found, JobConfig.Type wanted) {
    if (found == null) {
      read.reader()
          .warning(
              key,
              "no "
                  + wanted.configName()
                  + " job \""
                  + name
                  + "\" in this file; fine if it runs on another node of the cluster");
    } else if (found.type() != wanted) {
      read.reader()
          .error(
              key,
              "job \""
                  + name
                  + "\" is a "
                  + found.type().configName()
                  + " job, not a "
                  + wanted.configName()
                  + " job");
    } else if (found.name().equals(read.job().get().name())) {
      read.reader().error(key, "a job cannot replicate to itself");
    }
  }

  /**
   * Jobs of one node that select the same dataset: a warning (zrepl's snap job beside a push job
   * with manual snapshotting does this on purpose), an error when both take snapshots with the same
   * prefix, since each would then count the other's snapshots as its own. Receiving jobs whose root
   * datasets nest are an error; a job that selects datasets a receiver writes is a warning.
   */
  private static void overlaps(List<JobReader.ReadJob> jobs) {
    for (int i = 0; i < jobs.size(); i++) {
      Optional<JobConfig> later = jobs.get(i).job();
      if (later.isEmpty()) {
        continue;
      }
      for (int j = 0; j < i; j++) {
        Optional<JobConfig> earlier = jobs.get(j).job();
        if (earlier.isPresent()) {
          overlap(jobs.get(j), earlier.get(), jobs.get(i), later.get());
        }
      }
    }
  }

  private static void overlap(
      JobReader.ReadJob first, JobConfig a, JobReader.ReadJob second, JobConfig b) {
    String other = first.reader().path() + " (" + a.name() + ")";
    Optional<FilesystemFilter> fa = filter(a);
    Optional<FilesystemFilter> fb = filter(b);
    Optional<DatasetName> ra = receiveRoot(a);
    Optional<DatasetName> rb = receiveRoot(b);
    if (fa.isPresent() && fb.isPresent()) {
      fa.get()
          .overlap(fb.get())
          .ifPresent(
              o -> {
                Optional<String> pa = snapshotPrefix(a);
                Optional<String> pb = snapshotPrefix(b);
                if (pa.isPresent() && pa.equals(pb)) {
                  second
                      .reader()
                      .error(
                          "filesystems",
                          "selects "
                              + o
                              + ", which "
                              + other
                              + " also selects, and both take snapshots named \""
                              + pa.get()
                              + "…\"; give one job another prefix");
                } else {
                  second
                      .reader()
                      .warning(
                          "filesystems",
                          "selects "
                              + o
                              + ", which "
                              + other
                              + " also selects; both jobs will work on it");
                }
              });
    } else if (ra.isPresent() && rb.isPresent()) {
      if (ra.get().isWithin(rb.get()) || rb.get().isWithin(ra.get())) {
        second
            .reader()
            .error(
                "root-fs",
                "root-fs "
                    + rb.get()
                    + " and the root-fs "
                    + ra.get()
                    + " of "
                    + other
                    + " nest; two jobs would receive into one tree");
      }
    } else if (fb.isPresent() && ra.isPresent()) {
      fb.get()
          .overlap(FilesystemFilter.subtree(ra.get()))
          .ifPresent(
              o ->
                  second
                      .reader()
                      .warning(
                          "filesystems", "selects " + o + ", which " + other + " receives into"));
    } else if (fa.isPresent() && rb.isPresent()) {
      fa.get()
          .overlap(FilesystemFilter.subtree(rb.get()))
          .ifPresent(
              o ->
                  second
                      .reader()
                      .warning(
                          "root-fs",
                          "receives into " + rb.get() + ", where " + other + " selects " + o));
    }
  }

  private static Optional<FilesystemFilter> filter(JobConfig job) {
    if (job instanceof PushJob p) {
      return Optional.of(p.filesystems());
    }
    if (job instanceof SourceJob s) {
      return Optional.of(s.filesystems());
    }
    if (job instanceof SnapJob s) {
      return Optional.of(s.filesystems());
    }
    return Optional.empty();
  }

  private static Optional<DatasetName> receiveRoot(JobConfig job) {
    if (job instanceof SinkJob s) {
      return Optional.of(s.rootFs());
    }
    if (job instanceof PullJob p) {
      return Optional.of(p.rootFs());
    }
    return Optional.empty();
  }

  /** The prefix of the snapshots a job takes itself (manual snapshotting takes none). */
  private static Optional<String> snapshotPrefix(JobConfig job) {
    Snapshotting s = null;
    if (job instanceof PushJob p) {
      s = p.snapshotting();
    } else if (job instanceof SourceJob so) {
      s = so.snapshotting();
    } else if (job instanceof SnapJob sn) {
      s = sn.snapshotting();
    }
    return s == null || s instanceof Snapshotting.Manual ? Optional.empty() : s.prefix();
  }
}
