package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.job.Gate;
import org.zfleet.job.JobEvent;
import org.zfleet.job.NodeContext;
import org.zfleet.job.StepId;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;
import org.zfleet.job.Watchdog;
import org.zfleet.node.dataplane.TransferRunner;

/**
 * The transfers other nodes ask of a node are steps of it: they wait for the node's transfer gate,
 * the watchdog stops one that stalls, they publish job events, and the status lists them with their
 * peer.
 */
@Timeout(60)
class PeerTransfersTest {

  private static final Duration CHECK = Duration.ofSeconds(1);
  private static final Duration STALL = Duration.ofSeconds(10);
  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private ExecutorService blocking;
  private ActorRef<Watchdog.Command> watchdog;
  private ActorRef<Gate.Command> gate;
  private ActorRef<PeerTransfers.Command> transfers;
  private PeerSteps steps;

  @BeforeEach
  void node() {
    blocking = Executors.newCachedThreadPool();
    watchdog = testKit.spawn(Watchdog.create(CHECK));
    gate = testKit.spawn(Gate.create("transfers", 1));
    transfers =
        testKit.spawn(
            PeerTransfers.create(
                new NodeContext(watchdog, Optional.of(gate), blocking, Clock.systemUTC()), STALL));
    steps = PeerTransfers.steps(transfers);
  }

  @AfterEach
  void stop() {
    testKit.stop(transfers);
    testKit.stop(gate);
    testKit.stop(watchdog);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static StepId receive(long attempt) {
    return new StepId("sink", "tank/alpha/data", StepKind.RECEIVE, "alpha", attempt);
  }

  @Test
  void aReceiveWaitsForTheNodesTransferGateAndIsListedWithItsPeer() throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    TransferRunner.Running first =
        steps.run(
            receive(1),
            "alpha",
            control -> {
              control.progress().phase("receiving from alpha");
              control.progress().addBytes(4096);
              while (!releaseFirst.await(10, TimeUnit.MILLISECONDS)) {
                control.progress().tick();
              }
              return new StepResult("received", 4096);
            });
    TransferRunner.Running second =
        steps.run(
            new StepId("source", "tank/data", StepKind.SEND, "gamma", 2),
            "gamma",
            control -> new StepResult("sent", 1));
    first.started().toCompletableFuture().get(10, TimeUnit.SECONDS);

    Thread.sleep(200);
    assertThat(second.started().toCompletableFuture().isDone()).as("the gate's one slot").isFalse();
    TestProbe<List<PeerTransfers.PeerTransfer>> status = testKit.createTestProbe();
    transfers.tell(new PeerTransfers.GetTransfers(status.getRef()));
    List<PeerTransfers.PeerTransfer> listed = status.receiveMessage();
    assertThat(listed)
        .extracting(
            PeerTransfers.PeerTransfer::direction,
            PeerTransfers.PeerTransfer::peer,
            PeerTransfers.PeerTransfer::job)
        .contains(
            org.assertj.core.groups.Tuple.tuple("incoming", "alpha", "sink"),
            org.assertj.core.groups.Tuple.tuple("outgoing", "gamma", "source"));
    assertThat(listed.get(0).bytes()).isEqualTo(4096);

    releaseFirst.countDown();
    assertThat(first.result().toCompletableFuture().get(10, TimeUnit.SECONDS).bytes())
        .isEqualTo(4096);
    assertThat(second.result().toCompletableFuture().get(10, TimeUnit.SECONDS).summary())
        .isEqualTo("sent");
  }

  @Test
  void aStalledReceiveIsStoppedByTheWatchdogAndItsTransferCancelled() throws Exception {
    TestProbe<JobEvent> events = testKit.createTestProbe();
    testKit
        .system()
        .eventStream()
        .tell(
            new org.apache.pekko.actor.typed.eventstream.EventStream.Subscribe<>(
                JobEvent.class, events.getRef()));
    CountDownLatch cancelled = new CountDownLatch(1);
    TransferRunner.Running running =
        steps.run(
            receive(3),
            "alpha",
            control -> {
              control.onCancel(cancelled::countDown);
              cancelled.await();
              throw new IllegalStateException("transfer cancelled");
            });
    running.started().toCompletableFuture().get(10, TimeUnit.SECONDS);
    awaitWatched();

    manualTime.timePasses(STALL.plus(CHECK.multipliedBy(2)));

    assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> running.result().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("no progress for");
    assertThat(events.receiveMessage()).isInstanceOf(JobEvent.StepStarted.class);
    JobEvent.StepEnded ended = (JobEvent.StepEnded) events.receiveMessage();
    assertThat(ended.outcome()).isEqualTo(JobEvent.Outcome.STALLED);
    assertThat(ended.id().kind()).isEqualTo(StepKind.RECEIVE);
  }

  @Test
  void aReceiveCancelledWhileWaitingForASlotNeverStarts() throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    TransferRunner.Running first =
        steps.run(
            receive(4),
            "alpha",
            control -> {
              while (!releaseFirst.await(10, TimeUnit.MILLISECONDS)) {
                control.progress().tick();
              }
              return new StepResult("received", 1);
            });
    first.started().toCompletableFuture().get(10, TimeUnit.SECONDS);
    TransferRunner.Running waiting =
        steps.run(receive(5), "beta", control -> new StepResult("x", 1));

    waiting.cancel("no slot within the setup timeout");

    assertThatThrownBy(() -> waiting.started().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("no slot within the setup timeout");
    releaseFirst.countDown();
    first.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void awaitWatched() throws InterruptedException {
    TestProbe<List<Watchdog.WatchedStep>> probe = testKit.createTestProbe();
    for (int i = 0; i < 100; i++) {
      watchdog.tell(new Watchdog.GetWatched(probe.getRef()));
      if (!probe.receiveMessage().isEmpty()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the step was not watched");
  }
}
