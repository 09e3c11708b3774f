package org.zfleet.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.function.Function;
import org.zfleet.config.HostPort;
import org.zfleet.node.cluster.JobDirectory.FindResult;
import org.zfleet.node.cluster.JobDirectory.Found;
import org.zfleet.node.cluster.JobDirectory.NotReachable;
import org.zfleet.node.health.HealthEndpoints;

/**
 * A cluster node in its own JVM for the cluster ITs: joins, offers its jobs in the {@link
 * JobDirectory}, and answers commands on stdin, one line each ({@code <id> <command> [argument]}),
 * with one line on stdout ({@code <id> <answer>}). Lines starting {@code event} are unsolicited. It
 * exits when stdin closes, so a test that dies does not leave it running.
 *
 * <p>Arguments: {@code name= bind= management= ca= cert= key=}, {@code seed=} and {@code
 * job=<name>:sink|source} repeatable, {@code claim=<name>} to advertise another node name than the
 * certificate's, and {@code rogue-sink=<job>} to offer a sink of that name that takes every stream
 * (see {@link Rogue}, which also answers the attacking commands).
 */
public final class ClusterTestNode {

  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<Void> system;
  private final ActorRef<JobDirectory.Command> directory;
  private final Map<String, List<String>> options;

  private ClusterTestNode(
      ActorSystem<Void> system,
      ActorRef<JobDirectory.Command> directory,
      Map<String, List<String>> options) {
    this.system = system;
    this.directory = directory;
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> options = parse(args);
    String name = one(options, "name");
    List<HostPort> seeds = new ArrayList<>();
    options.getOrDefault("seed", List.of()).forEach(seed -> seeds.add(HostPort.parse(seed)));
    ClusterSettings settings =
        new ClusterSettings(
            name,
            HostPort.parse(one(options, "bind")),
            seeds,
            List.of("test"),
            new TlsFiles(
                Path.of(one(options, "ca")),
                Path.of(one(options, "cert")),
                Path.of(one(options, "key"))),
            HostPort.parse(one(options, "management")));
    Config config = ClusterConfig.of(settings);
    if (options.containsKey("claim")) {
      config =
          config.withValue(
              "pekko.cluster.roles",
              ConfigValueFactory.fromIterable(
                  List.of(ClusterSettings.NODE_ROLE_PREFIX + one(options, "claim"))));
    }
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            ClusterConfig.SYSTEM_NAME,
            config.withFallback(ConfigFactory.load()));
    // Downed, or shut down: a node whose ActorSystem ended has nothing left to do.
    system
        .getWhenTerminated()
        .thenRun(
            () -> {
              say("event terminated");
              System.exit(0);
            });
    system.systemActorOf(IdentityGuard.create(), "identity-guard", Props.empty());
    ActorRef<JobDirectory.Command> directory =
        system.systemActorOf(JobDirectory.create(name), "job-directory", Props.empty());
    for (String job : options.getOrDefault("rogue-sink", List.of())) {
      ActorRef<JobEndpointProtocol> endpoint =
          system.systemActorOf(
              Rogue.sink(system, name, job, options), "rogue-" + job, Props.empty());
      directory.tell(new JobDirectory.Register(job, JobDirectory.JobRole.SINK, endpoint));
    }
    for (String job : options.getOrDefault("job", List.of())) {
      String jobName = job.substring(0, job.lastIndexOf(':'));
      JobDirectory.JobRole role =
          JobDirectory.JobRole.valueOf(
              job.substring(job.lastIndexOf(':') + 1).toUpperCase(java.util.Locale.ROOT));
      ActorRef<JobEndpointProtocol> endpoint =
          system.systemActorOf(
              endpoint(name, jobName), "endpoint-" + jobName.replace(':', '_'), Props.empty());
      directory.tell(new JobDirectory.Register(jobName, role, endpoint));
    }
    HealthEndpoints.start(system).toCompletableFuture().get(30, TimeUnit.SECONDS);
    say("event started");
    new ClusterTestNode(system, directory, options).serve();
  }

  private static Behavior<JobEndpointProtocol> endpoint(String node, String job) {
    return Behaviors.receive(JobEndpointProtocol.class)
        .onMessage(
            JobEndpointProtocol.Ping.class,
            ping -> {
              ping.replyTo().tell(new JobEndpointProtocol.Pong(node, job));
              return Behaviors.same();
            })
        .build();
  }

  private void serve() throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" ", 3);
      if (words.length < 2) {
        continue;
      }
      String id = words[0];
      String argument = words.length > 2 ? words[2] : "";
      try {
        say(id + " " + answer(id, words[1], argument));
      } catch (Exception e) {
        say(id + " error " + e);
      }
      if (words[1].equals("quit")) {
        break;
      }
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }

  private String answer(String id, String command, String argument) throws Exception {
    return switch (command) {
      case "members" -> members();
      case "find" -> find(argument);
      case "wait" -> waitFor(id, argument);
      case "status" -> String.join(" | ", ask(directory, JobDirectory.GetStatus::new).waiting());
      case "forge-destroy" -> Rogue.forgeDestroy(system, directory, argument, options);
      case "destroy" -> Rogue.destroy(system, directory, argument, options);
      case "release" -> Rogue.release(system, directory, argument, options);
      case "poison" -> Rogue.poison(system, directory, argument);
      case "terminate" -> Rogue.terminate(system, argument);
      case "down" -> Rogue.down(system, argument);
      case "quit" -> "bye";
      default -> "error unknown command " + command;
    };
  }

  /**
   * {@code up=<sorted names of Up members> self=<own status> all=<name:status of every member>},
   * names as the members advertise them.
   */
  private String members() {
    Cluster cluster = Cluster.get(system);
    TreeSet<String> up = new TreeSet<>();
    TreeSet<String> all = new TreeSet<>();
    for (Member member : cluster.state().getMembers()) {
      String name =
          member.getRoles().stream()
              .filter(role -> role.startsWith(ClusterSettings.NODE_ROLE_PREFIX))
              .map(role -> role.substring(ClusterSettings.NODE_ROLE_PREFIX.length()))
              .findFirst()
              .orElse("?");
      all.add(name + ":" + member.status());
      if (member.status() == MemberStatus.up()) {
        up.add(name);
      }
    }
    return "up="
        + String.join(",", up)
        + " self="
        + cluster.selfMember().status()
        + " all="
        + String.join(",", all);
  }

  /**
   * {@code found <job> claimed=<the endpoint's own word> verified=<its node's certificate name>}.
   */
  private String find(String job) throws Exception {
    FindResult result = ask(directory, replyTo -> new JobDirectory.Find(job, replyTo));
    if (result instanceof NotReachable notReachable) {
      return "not-reachable " + notReachable.message();
    }
    ActorRef<JobEndpointProtocol> endpoint = ((Found) result).endpoints().get(0);
    JobEndpointProtocol.Pong pong = ask(endpoint, JobEndpointProtocol.Ping::new);
    PeerIdentity identity = PeerIdentities.get(system).identityOf(endpoint);
    String verified =
        identity instanceof PeerIdentity.Verified v
            ? v.node()
            : "none(" + ((PeerIdentity.Unverified) identity).reason() + ")";
    return "found " + job + " claimed=" + pong.node() + " verified=" + verified;
  }

  private String waitFor(String id, String job) {
    CompletionStage<Found> found =
        AskPattern.ask(
            directory,
            replyTo -> new JobDirectory.WaitFor(job, JobDirectory.JobRole.SINK, replyTo),
            Duration.ofMinutes(2),
            system.scheduler());
    found.whenComplete(
        (result, error) ->
            say("event " + (error == null ? "found " + result.job() : "wait failed " + error)));
    return "waiting";
  }

  private <Q, R> R ask(ActorRef<Q> target, Function<ActorRef<R>, Q> request) throws Exception {
    return AskPattern.ask(target, request, ASK_TIMEOUT, system.scheduler())
        .toCompletableFuture()
        .get();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      options
          .computeIfAbsent(arg.substring(0, eq), key -> new ArrayList<>())
          .add(arg.substring(eq + 1));
    }
    return options;
  }

  private static String one(Map<String, List<String>> options, String key) {
    List<String> values = options.get(key);
    if (values == null || values.size() != 1) {
      throw new IllegalArgumentException("expected exactly one " + key + "=");
    }
    return values.get(0);
  }
}
