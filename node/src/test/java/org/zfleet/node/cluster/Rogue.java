package org.zfleet.node.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.Kill;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.zfleet.config.HostPort;
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
   * {@code forge-destroy JOB SNAPSHOT NODE}: asks JOB's node to destroy SNAPSHOT on behalf of NODE,
   * in every way left: JOB's endpoint answers nothing that changes anything over the cluster, so
   * over the data plane, with this node's certificate and NODE's name wherever a request has room
   * for one.
   */
  static String forgeDestroy(
      ActorSystem<?> system,
      ActorRef<JobDirectory.Command> directory,
      String args,
      Map<String, List<String>> options)
      throws Exception {
    String[] a = args.split(" ");
    org.zfleet.node.dataplane.PeerAddress node = dataPlaneOf(system, directory, a[0]);
    String plain =
        ask(options, node, new org.zfleet.node.remote.EndpointRequest.DestroySnapshot(a[0], a[1]));
    String claimed =
        askRaw(
            options,
            node,
            "{\"request\":\"destroy-snapshot\",\"job\":\""
                + a[0]
                + "\",\"snapshot\":\""
                + a[1]
                + "\",\"identity\":\""
                + a[2]
                + "\"}");
    return "answer " + plain + " | claiming " + a[2] + ": " + claimed;
  }

  /** {@code destroy JOB SNAPSHOT}: as itself, over the data plane. */
  static String destroy(
      ActorSystem<?> system,
      ActorRef<JobDirectory.Command> directory,
      String args,
      Map<String, List<String>> options)
      throws Exception {
    String[] a = args.split(" ");
    return "answer "
        + ask(
            options,
            dataPlaneOf(system, directory, a[0]),
            new org.zfleet.node.remote.EndpointRequest.DestroySnapshot(a[0], a[1]));
  }

  /**
   * {@code release JOB SNAPSHOT TAG}: releases another client's hold TAG ({@code
   * zfleet_cursor.<pull job>.<its node>}): by the pull job it names, and by the tag itself.
   */
  static String release(
      ActorSystem<?> system,
      ActorRef<JobDirectory.Command> directory,
      String args,
      Map<String, List<String>> options)
      throws Exception {
    String[] a = args.split(" ");
    org.zfleet.node.dataplane.PeerAddress node = dataPlaneOf(system, directory, a[0]);
    String pullJob = a[2].split("\\.")[1];
    String byJob =
        ask(
            options,
            node,
            new org.zfleet.node.remote.EndpointRequest.HoldMark(
                a[0],
                a[1],
                pullJob,
                org.zfleet.replication.ReplicationMarks.Mark.CURSOR,
                false,
                false));
    String byTag =
        askRaw(
            options,
            node,
            "{\"request\":\"hold-mark\",\"job\":\""
                + a[0]
                + "\",\"snapshot\":\""
                + a[1]
                + "\",\"tag\":\""
                + a[2]
                + "\",\"hold\":false}");
    return "answer " + byJob + " | by tag: " + byTag;
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

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule());

  /** Where the node that offers {@code job} takes data-plane connections, as its endpoint says. */
  private static org.zfleet.node.dataplane.PeerAddress dataPlaneOf(
      ActorSystem<?> system, ActorRef<JobDirectory.Command> directory, String job)
      throws Exception {
    JobEndpointProtocol.Located located =
        AskPattern.<JobEndpointProtocol, JobEndpointProtocol.Located>ask(
                endpoint(system, directory, job),
                JobEndpointProtocol.Locate::new,
                TIMEOUT,
                system.scheduler())
            .toCompletableFuture()
            .get();
    return new org.zfleet.node.dataplane.PeerAddress(
        org.zfleet.node.tls.NodeIdentity.of(located.node()),
        located.dataPlaneHost(),
        located.dataPlanePort());
  }

  private static String ask(
      Map<String, List<String>> options, org.zfleet.node.dataplane.PeerAddress node, Object request)
      throws Exception {
    return askRaw(options, node, JSON.writeValueAsString(request));
  }

  /** A request as JSON, with this node's certificate; the answer as the node sent it. */
  private static String askRaw(
      Map<String, List<String>> options, org.zfleet.node.dataplane.PeerAddress node, String json) {
    try (org.zfleet.node.dataplane.RequestChannel channel =
        new org.zfleet.node.dataplane.RequestChannel(tls(options))) {
      return new String(
          channel.call(node, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), TIMEOUT),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "failed: " + e.getMessage();
    }
  }

  private static javax.net.ssl.SSLContext tls(Map<String, List<String>> options) {
    return TlsContexts.load(
        Path.of(options.get("ca").get(0)),
        Path.of(options.get("cert").get(0)),
        Path.of(options.get("key").get(0)));
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

  /**
   * A sink that says it is JOB on this node: its locator points at this node's own data plane,
   * which describes a root for every caller, lists nothing, agrees to everything and takes every
   * stream (reporting {@code event received}).
   */
  static org.apache.pekko.actor.typed.Behavior<JobEndpointProtocol> sink(
      ActorSystem<?> system, String node, String job, Map<String, List<String>> options) {
    DataPlaneServer plane;
    try {
      plane =
          DataPlaneServer.start(
              DataPlaneSettings.of("127.0.0.1", 0),
              tls(options),
              new DataPlaneServer.Services(
                  (peer, header) -> Authorization.allowed(),
                  (peer, header) -> {
                    say("event received " + header.target() + " from " + peer);
                    return FakeReceiveProcess.accepting();
                  },
                  java.util.Optional.of(
                      (peer, request) -> {
                        String text = new String(request, java.nio.charset.StandardCharsets.UTF_8);
                        String reply =
                            text.contains("describe-sink")
                                ? "{\"reply\":\"sink-described\",\"node\":\""
                                    + node
                                    + "\",\"job\":\""
                                    + job
                                    + "\",\"root\":{\"value\":\"stolen/"
                                    + peer
                                    + "\"}}"
                                : text.contains("list-sink")
                                    ? "{\"reply\":\"listed\",\"datasets\":[]}"
                                    : "{\"reply\":\"done\",\"what\":\"ok\"}";
                        return reply.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                      }),
                  java.util.Optional.empty()),
              system);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return org.zfleet.node.remote.JobLocator.create(
        node, job, new HostPort("127.0.0.1", plane.port()));
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
