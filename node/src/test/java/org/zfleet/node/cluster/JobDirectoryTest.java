package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.node.cluster.JobDirectory.DirectoryStatus;
import org.zfleet.node.cluster.JobDirectory.Find;
import org.zfleet.node.cluster.JobDirectory.FindResult;
import org.zfleet.node.cluster.JobDirectory.Found;
import org.zfleet.node.cluster.JobDirectory.JobRole;
import org.zfleet.node.cluster.JobDirectory.NotReachable;

/**
 * The directory against the local Receptionist; across nodes it is exercised by the cluster ITs.
 */
@Timeout(60)
class JobDirectoryTest {

  static final Duration WAIT = Duration.ofSeconds(5);

  /**
   * A system per test: directories find each other, so one test's jobs must not leak into another.
   */
  ActorTestKit testKit;

  @BeforeEach
  void start() {
    testKit =
        ActorTestKit.create(
            "JobDirectoryTest", ClusterConfig.serialization().withFallback(ConfigFactory.load()));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  ActorRef<JobDirectory.Command> directory(String node) {
    return testKit.spawn(JobDirectory.create(node));
  }

  FindResult find(ActorRef<JobDirectory.Command> directory, String job) {
    TestProbe<FindResult> reply = testKit.createTestProbe();
    directory.tell(new Find(job, reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  DirectoryStatus status(ActorRef<JobDirectory.Command> directory) {
    TestProbe<DirectoryStatus> reply = testKit.createTestProbe();
    directory.tell(new JobDirectory.GetStatus(reply.ref()));
    return reply.receiveMessage(WAIT);
  }

  @Test
  void registeredJobIsFoundByName() {
    ActorRef<JobDirectory.Command> directory = directory("n1");
    TestProbe<JobEndpointProtocol> sink = testKit.createTestProbe();

    directory.tell(new JobDirectory.Register("backup1:sink.main", JobRole.SINK, sink.ref()));

    assertThat(find(directory, "backup1:sink.main"))
        .isEqualTo(new Found("backup1:sink.main", List.of(sink.ref())));
  }

  @Test
  void unknownJobIsNotReachableAndTheAnswerListsTheKnownJobs() {
    ActorRef<JobDirectory.Command> directory = directory("n1");
    directory.tell(
        new JobDirectory.Register(
            "zz-sink", JobRole.SINK, testKit.<JobEndpointProtocol>createTestProbe().ref()));
    directory.tell(
        new JobDirectory.Register(
            "aa_source", JobRole.SOURCE, testKit.<JobEndpointProtocol>createTestProbe().ref()));

    FindResult result = find(directory, "missing");

    assertThat(result).isInstanceOf(NotReachable.class);
    assertThat(((NotReachable) result).message())
        .isEqualTo("not reachable (no node offers job missing; known jobs: aa_source, zz-sink)");
  }

  @Test
  void waitingForASinkShowsInTheStatusUntilTheSinkIsOffered() {
    ActorRef<JobDirectory.Command> directory = directory("n1");
    TestProbe<Found> push = testKit.createTestProbe();
    directory.tell(new JobDirectory.WaitFor("later-sink", JobRole.SINK, push.ref()));

    assertThat(status(directory).waiting())
        .containsExactly(
            "waiting for sink later-sink: not reachable (no node offers job later-sink; known jobs:"
                + " none)");
    push.expectNoMessage(Duration.ofMillis(200));

    TestProbe<JobEndpointProtocol> sink = testKit.createTestProbe();
    directory.tell(new JobDirectory.Register("later-sink", JobRole.SINK, sink.ref()));

    assertThat(push.receiveMessage(WAIT)).isEqualTo(new Found("later-sink", List.of(sink.ref())));
    assertThat(status(directory).waiting()).isEmpty();
  }

  @Test
  void stoppedEndpointIsNoLongerFound() {
    ActorRef<JobDirectory.Command> directory = directory("n1");
    ActorRef<JobEndpointProtocol> endpoint = testKit.spawn(Behaviors.<JobEndpointProtocol>empty());
    directory.tell(new JobDirectory.Register("short-lived", JobRole.SOURCE, endpoint));
    assertThat(find(directory, "short-lived")).isInstanceOf(Found.class);

    testKit.stop(endpoint);

    TestProbe<Void> wait = testKit.createTestProbe();
    wait.awaitAssert(
        WAIT,
        () -> {
          assertThat(find(directory, "short-lived")).isInstanceOf(NotReachable.class);
          assertThat(status(directory).offeredHere()).doesNotContain("short-lived");
          return null;
        });
  }

  @Test
  void withdrawnJobIsNotFound() {
    ActorRef<JobDirectory.Command> directory = directory("n1");
    directory.tell(
        new JobDirectory.Register(
            "withdrawn", JobRole.SINK, testKit.<JobEndpointProtocol>createTestProbe().ref()));
    directory.tell(new JobDirectory.Deregister("withdrawn"));

    TestProbe<Void> wait = testKit.createTestProbe();
    wait.awaitAssert(
        WAIT,
        () -> {
          assertThat(find(directory, "withdrawn")).isInstanceOf(NotReachable.class);
          return null;
        });
  }

  @Test
  void anotherDirectoryFindsTheJobThroughTheReceptionistAndListsItAsKnown() {
    ActorRef<JobDirectory.Command> here = directory("here");
    ActorRef<JobDirectory.Command> there = directory("there");
    TestProbe<JobEndpointProtocol> sink = testKit.createTestProbe();
    there.tell(new JobDirectory.Register("offered-there", JobRole.SINK, sink.ref()));

    TestProbe<Void> wait = testKit.createTestProbe();
    wait.awaitAssert(
        WAIT,
        () -> {
          assertThat(find(here, "offered-there"))
              .isEqualTo(new Found("offered-there", List.of(sink.ref())));
          FindResult missing = find(here, "not-offered");
          assertThat(((NotReachable) missing).knownJobs()).contains("offered-there");
          return null;
        });
  }

  @Test
  void reachableCountsShowInTheStatus() {
    ActorRef<JobDirectory.Command> directory = directory("n1");
    directory.tell(
        new JobDirectory.Register(
            "counted", JobRole.SINK, testKit.<JobEndpointProtocol>createTestProbe().ref()));
    find(directory, "nowhere");

    DirectoryStatus status = status(directory);

    assertThat(status.node()).isEqualTo("n1");
    assertThat(status.offeredHere()).containsExactly("counted");
    assertThat(status.reachable()).containsEntry("counted", 1).containsEntry("nowhere", 0);
  }

  @Test
  void invalidJobNameIsRefusedWhenTheRequestIsMade() {
    TestProbe<FindResult> reply = testKit.createTestProbe();

    assertThatThrownBy(() -> new Find("no spaces", reply.ref()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid job name \"no spaces\"");
  }

  @Test
  void messagesBetweenNodesTravelAsCbor() {
    TestProbe<JobEndpointProtocol.Pong> pongs = testKit.createTestProbe();
    TestProbe<JobDirectory.Command> directory = testKit.createTestProbe();

    testKit
        .serializationTestKit()
        .verifySerialization(new JobEndpointProtocol.Ping(pongs.ref()), true);
    testKit
        .serializationTestKit()
        .verifySerialization(new JobEndpointProtocol.Pong("backup1", "sink"), true);
    testKit
        .serializationTestKit()
        .verifySerialization(
            new JobDirectory.JobsOffered("backup1", List.of("a", "b:c"), directory.ref()), true);
  }
}
