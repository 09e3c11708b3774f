package org.zfleet.replication;

import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.pekko.stream.Materializer;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.endpoint.Receiver;
import org.zfleet.job.MutableClock;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;

/** The model's push job (see {@link PushJobModel}) as a {@link DirectJob} to its local sink. */
final class DirectPushJob {

  private DirectPushJob() {}

  static DirectJob of(
      ZfleetConfig config, InMemoryZfs zfs, MutableClock clock, Transfers transfers) {
    return of(config, zfs, clock, transfers, receiver -> receiver);
  }

  /** The same, with the sink's receiver as {@code asSeen} makes it (a sink on another node). */
  static DirectJob of(
      ZfleetConfig config,
      InMemoryZfs zfs,
      MutableClock clock,
      Transfers transfers,
      UnaryOperator<Receiver> asSeen) {
    PushJob push = (PushJob) config.job(PushJobModel.JOB).orElseThrow();
    SinkJob sink = (SinkJob) config.job(PushJobModel.SINK).orElseThrow();
    ReceiverDirectory local = new LocalReceiverDirectory(zfs, List.of(sink), transfers);
    ReceiverDirectory seen = (job, identity) -> asSeen.apply(local.receiver(job, identity));
    NodePorts ports = TestPorts.of(zfs, seen, Runnable::run);
    return new DirectJob(
        JobDrivers.push(push, PushJobModel.NODE, ports, TransferOptions.defaults()), clock);
  }

  static Transfers transfers(Materializer materializer) {
    return Transfers.streams(materializer);
  }
}
