package org.zfleet.node.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Kill;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.zfleet.config.HostPort;
import org.zfleet.model.DatasetName;
import org.zfleet.node.dataplane.Authorization;
import org.zfleet.node.dataplane.DataPlaneServer;
import org.zfleet.node.dataplane.DataPlaneSettings;
import org.zfleet.node.tls.TlsContexts;
import org.zfleet.transfer.FakeReceiveProcess;

/**
 * What a cluster member with a genuine certificate but modified code can send, for the ITs that
 * play the attacker: each command answers one line saying what it did and what came back.
 */
final class Rogue {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Rogue() {}

  /**
   * {@code forge-destroy JOB SNAPSHOT NODE}: asks JOB's endpoint to destroy SNAPSHOT, posing as
   * NODE (its replies addressed to an actor of NODE's).
   */
  static String forgeDestroy(
      ActorSystem<?> system, ActorRef<JobDirectory.Command> directory, String args)
      throws Exception {
    String[] a = args.split(" ");
    ActorRef<JobEndpointProtocol> endpoint = endpoint(system, directory, a[0]);
    ActorRef<Object> victim = actorOf(system, a[2]);
    endpoint.tell(new JobEndpointProtocol.DestroySnapshot(a[1], unchecked(victim)));
    return "sent destroy of " + a[1] + " as " + a[2] + " via " + victim.path();
  }

  /** {@code destroy JOB SNAPSHOT}: as itself. */
  static String destroy(
      ActorSystem<?> system, ActorRef<JobDirectory.Command> directory, String args)
      throws Exception {
    String[] a = args.split(" ");
    ActorRef<JobEndpointProtocol> endpoint = endpoint(system, directory, a[0]);
    Object reply =
        AskPattern.<JobEndpointProtocol, JobEndpointProtocol.SinkReply>ask(
                endpoint,
                r -> new JobEndpointProtocol.DestroySnapshot(a[1], r),
                TIMEOUT,
                system.scheduler())
            .toCompletableFuture()
            .get();
    return "answer " + reply;
  }

  /** {@code release JOB SNAPSHOT TAG}: as itself. */
  static String release(
      ActorSystem<?> system, ActorRef<JobDirectory.Command> directory, String args)
      throws Exception {
    String[] a = args.split(" ");
    ActorRef<JobEndpointProtocol> endpoint = endpoint(system, directory, a[0]);
    Object reply =
        AskPattern.<JobEndpointProtocol, JobEndpointProtocol.SinkReply>ask(
                endpoint,
                r -> new JobEndpointProtocol.Release(a[1], a[2], r),
                TIMEOUT,
                system.scheduler())
            .toCompletableFuture()
            .get();
    return "answer " + reply;
  }

  /** {@code poison JOB NODE}: PoisonPill and Kill to JOB's endpoint and to NODE's job directory. */
  static String poison(ActorSystem<?> system, ActorRef<JobDirectory.Command> directory, String args)
      throws Exception {
    String[] a = args.split(" ");
    ActorRef<JobEndpointProtocol> endpoint = endpoint(system, directory, a[0]);
    ActorRef<Object> victimDirectory = actorOf(system, a[1]);
    for (ActorRef<?> target : List.of(endpoint, victimDirectory)) {
      Adapter.toClassic(target)
          .tell(PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
      Adapter.toClassic(target)
          .tell(Kill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    }
    return "sent PoisonPill and Kill to " + endpoint.path() + " and " + victimDirectory.path();
  }

  /**
   * {@code terminate NODE PATH...}: a Terminate system message to each PATH (e.g. {@code /user},
   * {@code /user/job-directory}) of NODE, as an actor stops its child.
   */
  static String terminate(ActorSystem<?> system, String args) throws Exception {
    String[] a = args.split(" ");
    String address = addressOf(system, a[0]);
    StringBuilder sent = new StringBuilder("sent Terminate to");
    for (int i = 1; i < a.length; i++) {
      org.apache.pekko.actor.ActorRef target =
          ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(system))
              .provider()
              .resolveActorRef(address + a[i]);
      ((org.apache.pekko.actor.InternalActorRef) target)
          .sendSystemMessage(new org.apache.pekko.dispatch.sysmsg.Terminate());
      sent.append(' ').append(target.path());
    }
    return sent.toString();
  }

  /** {@code down NODE}: the cluster's Down command for NODE, sent to NODE's own cluster daemon. */
  static String down(ActorSystem<?> system, String args) throws Exception {
    String address = addressOf(system, args.strip());
    org.apache.pekko.actor.Address victim =
        org.apache.pekko.actor.AddressFromURIString.parse(address);
    Object command =
        Class.forName("org.apache.pekko.cluster.ClusterUserAction$Down")
            .getConstructor(org.apache.pekko.actor.Address.class)
            .newInstance(victim);
    org.apache.pekko.actor.ActorRef daemon =
        ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(system))
            .provider()
            .resolveActorRef(address + "/system/cluster/core/daemon");
    daemon.tell(command, org.apache.pekko.actor.ActorRef.noSender());
    return "sent Down(" + victim + ") to " + daemon.path();
  }

  /** The cluster address of the member named {@code node}. */
  private static String addressOf(ActorSystem<?> system, String node) {
    for (org.apache.pekko.cluster.Member member :
        org.apache.pekko.cluster.typed.Cluster.get(system).state().getMembers()) {
      if (member.getRoles().contains(ClusterSettings.NODE_ROLE_PREFIX + node)) {
        return member.address().toString();
      }
    }
    throw new IllegalStateException("no member named " + node);
  }

  /** A sink endpoint that says it is JOB on this node and takes every stream on its data plane. */
  static Behavior<JobEndpointProtocol> sink(
      ActorSystem<?> system, String node, String job, Map<String, List<String>> options) {
    DataPlaneServer plane;
    try {
      plane =
          DataPlaneServer.start(
              DataPlaneSettings.of("127.0.0.1", 0),
              TlsContexts.load(
                  Path.of(options.get("ca").get(0)),
                  Path.of(options.get("cert").get(0)),
                  Path.of(options.get("key").get(0))),
              (peer, header) -> Authorization.allowed(),
              (peer, header) -> {
                say("event received " + header.target() + " from " + peer);
                return FakeReceiveProcess.accepting();
              },
              system);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    HostPort where = new HostPort("127.0.0.1", plane.port());
    return Behaviors.receive(JobEndpointProtocol.class)
        .onMessage(
            JobEndpointProtocol.Ping.class,
            ping -> {
              ping.replyTo().tell(new JobEndpointProtocol.Pong(node, job));
              return Behaviors.same();
            })
        .onMessage(
            JobEndpointProtocol.Describe.class,
            d -> {
              String caller =
                  PeerIdentities.get(system).identityOf(d.replyTo()).verifiedNode().orElse("x");
              d.replyTo()
                  .tell(
                      new JobEndpointProtocol.Described(
                          node,
                          job,
                          where.host(),
                          where.port(),
                          DatasetName.of("stolen/" + caller)));
              return Behaviors.same();
            })
        .onMessage(
            JobEndpointProtocol.ListDatasets.class,
            l -> {
              l.replyTo().tell(new JobEndpointProtocol.Listed(List.of()));
              return Behaviors.same();
            })
        .onMessage(
            JobEndpointProtocol.CreatePlaceholder.class,
            c -> {
              c.replyTo().tell(new JobEndpointProtocol.Done("ok"));
              return Behaviors.same();
            })
        .onMessage(
            JobEndpointProtocol.SetProperty.class,
            c -> {
              c.replyTo().tell(new JobEndpointProtocol.Done("ok"));
              return Behaviors.same();
            })
        .build();
  }

  private static ActorRef<JobEndpointProtocol> endpoint(
      ActorSystem<?> system, ActorRef<JobDirectory.Command> directory, String job)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JobDirectory.FindResult found =
          AskPattern.<JobDirectory.Command, JobDirectory.FindResult>ask(
                  directory, r -> new JobDirectory.Find(job, r), TIMEOUT, system.scheduler())
              .toCompletableFuture()
              .get();
      if (found instanceof JobDirectory.Found f) {
        return f.endpoints().get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no endpoint of " + job + ": " + found);
      }
      Thread.sleep(500);
    }
  }

  /** An actor of the node named {@code node}: its job directory, as the receptionist lists it. */
  private static ActorRef<Object> actorOf(ActorSystem<?> system, String node) throws Exception {
    Receptionist.Listing listing =
        AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                system.receptionist(),
                r -> Receptionist.find(JobDirectory.DIRECTORY_KEY, r),
                TIMEOUT,
                system.scheduler())
            .toCompletableFuture()
            .get();
    for (ActorRef<JobDirectory.Command> ref :
        listing.getServiceInstances(JobDirectory.DIRECTORY_KEY)) {
      if (PeerIdentities.get(system)
          .identityOf(ref)
          .verifiedNode()
          .filter(node::equals)
          .isPresent()) {
        return unchecked(ref);
      }
    }
    throw new IllegalStateException("no actor of node " + node + " is known");
  }

  @SuppressWarnings("unchecked")
  private static <T> ActorRef<T> unchecked(ActorRef<?> ref) {
    return (ActorRef<T>) ref;
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
