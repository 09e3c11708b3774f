package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.KeepRule;
import org.zfleet.config.Pruning;
import org.zfleet.config.Snapshotting;
import org.zfleet.cycle.CycleSettings;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.StepSpec;
import org.zfleet.job.Backoff;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.JobDriver;
import org.zfleet.job.JobStatus;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepRunner;
import org.zfleet.job.StepWork;
import org.zfleet.job.Watchdog;
import org.zfleet.plan.InitialReplication;

/**
 * The node's guardian supervises what it starts: a job actor that stops is noticed, logged and
 * started anew; without its watchdog the node cannot watch its steps, and stops loudly.
 */
@Timeout(60)
class NodeGuardianTest {

  private final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private final ManualTime manualTime = ManualTime.get(testKit.system());
  private final ExecutorService blocking = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  /** A manual snap job that lists nothing; its first {@code crashes} listings crash its actor. */
  private static JobDriver job(String name, AtomicInteger crashes) {
    CycleSettings settings =
        new CycleSettings(
            CycleSettings.Kind.SNAP,
            name,
            "n1",
            List.of(),
            new Snapshotting.Manual(Optional.of("zf_")),
            Optional.of(
                new Pruning(List.of(new KeepRule.LastN(1, Optional.empty())), Pruning.Scope.OWN)),
            Optional.empty(),
            InitialReplication.MOST_RECENT,
            Optional.empty());
    StepRunner runner =
        new StepRunner() {
          @Override
          public StepWork work(StepSpec spec, CyclePorts ports) {
            if (spec instanceof StepSpec.ListJob && crashes.getAndDecrement() > 0) {
              // Not an exception a restart cures: the actor stops.
              throw new AssertionError("a bug in the job's actor");
            }
            return control ->
                StepResult.of("listed")
                    .with(
                        new StepOutput.Listed(
                            JobListing.own(Optional.of("zf_"), List.of()), CyclePorts.NONE));
          }
        };
    return new JobDriver(
        settings,
        runner,
        Duration.ofMinutes(1),
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)));
  }

  private GuardianSetup setup(JobDriver... jobs) {
    return new GuardianSetup(
        "n1",
        List.of(jobs),
        List.of(),
        2,
        Duration.ofSeconds(1),
        blocking,
        java.time.Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), java.time.ZoneOffset.UTC));
  }

  private NodeGuardian.NodeStatus status(ActorRef<NodeGuardian.Command> guardian) {
    TestProbe<NodeGuardian.NodeStatus> probe = testKit.createTestProbe();
    guardian.tell(new NodeGuardian.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void theStatusCarriesThePeersTransfersAndTheBindingProblemsAskedAtEachStatus() {
    java.util.concurrent.atomic.AtomicReference<List<String>> problems =
        new java.util.concurrent.atomic.AtomicReference<>(List.of());
    GuardianSetup plain = setup(job("steady", new AtomicInteger()));
    ActorRef<NodeGuardian.Command> guardian =
        testKit.spawn(
            NodeGuardian.create(
                new GuardianSetup(
                    plain.node(),
                    plain.activeJobs(),
                    List.of("backup"),
                    plain.transfers(),
                    plain.watchdogInterval(),
                    plain.blocking(),
                    plain.clock(),
                    Duration.ofMinutes(10),
                    problems::get)));
    TestProbe<ActorRef<org.zfleet.node.remote.PeerTransfers.Command>> transfers =
        testKit.createTestProbe();

    NodeGuardian.NodeStatus before = status(guardian);
    problems.set(List.of("sink backup is also offered by node(s) rogue"));
    NodeGuardian.NodeStatus after = status(guardian);
    guardian.tell(new NodeGuardian.GetPeerTransfers(transfers.getRef()));

    assertThat(before.problems()).isEmpty();
    assertThat(after.problems()).containsExactly("sink backup is also offered by node(s) rogue");
    assertThat(after.peerTransfers()).isEmpty();
    assertThat(after.passiveJobs()).containsExactly("backup");
    assertThat(transfers.receiveMessage(Duration.ofSeconds(10)).path().name())
        .isEqualTo("peer-transfers");
  }

  @Test
  void aJobActorThatStopsIsNoticedLoggedAndStartedAnew() {
    AtomicInteger crashes = new AtomicInteger(1);
    ActorRef<NodeGuardian.Command> guardian =
        testKit.spawn(
            NodeGuardian.create(setup(job("steady", new AtomicInteger()), job("buggy", crashes))));

    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          manualTime.timePasses(Duration.ofSeconds(1));
          assertThat(status(guardian).jobs())
              .extracting(JobStatus::job)
              .containsExactly("buggy", "steady");
          assertThat(status(guardian).jobs()).allSatisfy(j -> assertThat(j.cycle()).isPositive());
          return null;
        });
    assertThat(crashes.get()).as("the buggy job's actor ran its listing again").isNegative();
  }

  @Test
  void aResetReachesItsJobWhichListsAgainAndAnUnknownJobIsNamed() {
    ActorRef<NodeGuardian.Command> guardian =
        testKit.spawn(NodeGuardian.create(setup(job("steady", new AtomicInteger()))));
    TestProbe<NodeGuardian.WakeupResult> replies = testKit.createTestProbe();
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(10), () -> assertThat(status(guardian).jobs().get(0).cycle()).isOne());

    guardian.tell(new NodeGuardian.Reset("steady", replies.getRef()));
    NodeGuardian.WakeupResult reset = replies.receiveMessage();
    assertThat(reset.accepted()).isTrue();
    assertThat(reset.message()).contains("reset job steady");
    probe.awaitAssert(
        Duration.ofSeconds(10),
        () -> assertThat(status(guardian).jobs().get(0).cycle()).isEqualTo(2));

    guardian.tell(new NodeGuardian.Reset("nosuch", replies.getRef()));
    NodeGuardian.WakeupResult unknown = replies.receiveMessage();
    assertThat(unknown.accepted()).isFalse();
    assertThat(unknown.message()).contains("no job named nosuch").contains("steady");
  }

  @Test
  void theNodeStopsLoudlyWhenItsWatchdogStops() throws Exception {
    // A watchdog that stops at its first message: the first step that asks to be watched.
    testKit.spawn(
        NodeGuardian.create(
            setup(job("steady", new AtomicInteger())),
            Behaviors.<Watchdog.Command>receiveMessage(m -> Behaviors.stopped())));

    testKit.system().getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(CoordinatedShutdown.get(testKit.system()).getShutdownReason())
        .hasValue(NodeGuardian.NODE_FAILED);
  }
}
