package org.zfleet.replication;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.stream.Materializer;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.job.MutableClock;
import org.zfleet.job.PlannedStep;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepKind;
import org.zfleet.model.DatasetName;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;

/**
 * A push job's driver run step by step on the calling thread, without actors: what a cycle of the
 * job actor and its supervisors does, in their order, with each step's outcome kept.
 */
final class DirectPushJob {

  /** How one step ended: its summary, or the failure's message. */
  record Outcome(boolean ok, String summary, Exception failure) {}

  /** A step of a listed cycle and its work, to run or inspect. */
  record Listed(DatasetName filesystem, PlannedStep step) {}

  final PushJobDriver driver;
  private final MutableClock clock;

  DirectPushJob(ZfleetConfig config, InMemoryZfs zfs, MutableClock clock, Transfers transfers) {
    PushJob push = (PushJob) config.job(PushJobModel.JOB).orElseThrow();
    SinkJob sink = (SinkJob) config.job(PushJobModel.SINK).orElseThrow();
    this.clock = clock;
    this.driver =
        new PushJobDriver(
            push,
            PushJobModel.NODE,
            zfs,
            new LocalReceiverDirectory(zfs, List.of(sink), transfers),
            org.zfleet.transfer.TransferOptions.defaults(),
            clock);
  }

  static Transfers transfers(Materializer materializer) {
    return Transfers.streams(materializer);
  }

  /** Takes the job's snapshot of every filesystem of the last listing, named after the clock. */
  void snapshot() throws Exception {
    Instant now = clock.instant();
    driver.snapshot(now).run(new StepControl());
  }

  /**
   * Takes the job's snapshot named after {@code namedAt} while ZFS records the clock's time, as
   * when the step started just before a second ended and {@code zfs snapshot} ran just after.
   */
  void snapshotNamedAt(Instant namedAt) throws Exception {
    driver.snapshot(namedAt).run(new StepControl());
  }

  /** Lists both sides and returns every filesystem's steps for this cycle, not yet run. */
  List<Listed> list() throws Exception {
    driver.list().run(new StepControl());
    return driver.filesystems().stream()
        .flatMap(fs -> driver.steps(fs).stream().map(s -> new Listed(DatasetName.of(fs), s)))
        .toList();
  }

  /** Lists and runs every step, filesystem by filesystem, as the supervisors would. */
  Map<String, Outcome> cycle() throws Exception {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Listed listed : list()) {
      outcomes.put(key(listed.filesystem(), listed.step().kind()), run(listed.step()));
    }
    return outcomes;
  }

  static Outcome run(PlannedStep step) {
    try {
      return new Outcome(true, step.work().run(new StepControl()).summary(), null);
    } catch (Exception e) {
      return new Outcome(false, String.valueOf(e.getMessage()), e);
    }
  }

  static String key(DatasetName fs, StepKind kind) {
    return fs.value() + " " + kind.label();
  }
}
