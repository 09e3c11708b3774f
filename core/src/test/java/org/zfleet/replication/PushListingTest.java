package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.testing.Forwarding.forwarding;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.zfleet.config.PushJob;
import org.zfleet.config.SinkJob;
import org.zfleet.config.ZfleetConfig;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.MutableClock;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepResult;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.InMemoryZfs;
import org.zfleet.zfs.ZfsPort;

/**
 * A push job's listing lists its sinks while it lists its own filesystems, not after: at 1,011
 * filesystems on zfs-fuse each tree listing takes seconds, and one waited for the other.
 */
class PushListingTest {

  @Test
  void theSinkIsListedWhileTheSenderIsNotAfterIt() throws Exception {
    InMemoryZfs model =
        PushJobModel.modelZfs(new MutableClock(Instant.parse("2026-12-07T04:00:00Z")), 1L);
    ZfleetConfig config = PushJobModel.config(PushJobModel.Settings.defaults());
    PushJob push = (PushJob) config.job(PushJobModel.JOB).orElseThrow();
    SinkJob sink = (SinkJob) config.job(PushJobModel.SINK).orElseThrow();
    CountDownLatch sinkListing = new CountDownLatch(1);
    AtomicBoolean senderWaitedForTheSink = new AtomicBoolean();
    // The sender's listing holds until the sink's has begun: listed one after the other, it
    // would wait in vain.
    ZfsPort senderSide =
        forwarding(
            ZfsPort.class,
            model,
            (method, args) -> {
              if (method.equals("list") && !sinkListing.await(3, TimeUnit.SECONDS)) {
                senderWaitedForTheSink.set(true);
              }
            });
    LocalReceiverDirectory local =
        new LocalReceiverDirectory(
            model, List.of(sink), forwarding(Transfers.class, null, (m, a) -> {}));
    ReceiverDirectory directory =
        (job, identity) ->
            forwarding(
                Receiver.class,
                local.receiver(job, identity),
                (method, args) -> {
                  if (method.equals("list")) {
                    sinkListing.countDown();
                  }
                });
    ExecutorService lookups = Executors.newCachedThreadPool();
    try {
      StepResult listed =
          new PushListing(
                  push,
                  PushJobModel.NODE,
                  senderSide,
                  forwarding(Sender.class, null, (m, a) -> {}),
                  directory,
                  lookups)
              .run(new StepControl());

      assertThat(senderWaitedForTheSink).as("the sender's listing waited for the sink's").isFalse();
      assertThat(listed.summary()).startsWith("listed 2 filesystem(s)");
    } finally {
      lookups.shutdownNow();
    }
  }
}
