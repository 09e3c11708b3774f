package org.zfleet.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.zfleet.cycle.CyclePlanner;
import org.zfleet.cycle.CycleStart;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.JobListing;
import org.zfleet.model.DatasetName;

/**
 * A job actor's filesystem supervisors: made as filesystems appear in a plan, stopped as they
 * vanish, restarted on an exception and watched; and the job's replication gate they share.
 * Confined to the job actor, whose context it uses.
 */
final class JobFilesystems {

  private final ActorContext<JobActor.Command> ctx;
  private final JobDriver driver;
  private final NodeContext node;
  private final ActorRef<String> cycleRequests;
  private final ActorRef<FilesystemSupervisor.Replicated> replications;
  private final BiFunction<String, ActorRef<FilesystemSupervisor.Command>, JobActor.Command>
      stopped;
  private final List<ActorRef<Gate.Command>> replicationGates;
  // By name: the filesystems below one are a range of it.
  private final TreeMap<String, ActorRef<FilesystemSupervisor.Command>> supervisors =
      new TreeMap<>();
  private boolean nothingSelected;

  /**
   * @param cycleRequests where a supervisor asks for a fresh cycle
   * @param replications where a supervisor tells of a replication that succeeded
   * @param stopped the message the job gets when a supervisor stops
   */
  JobFilesystems(
      ActorContext<JobActor.Command> ctx,
      JobDriver driver,
      NodeContext node,
      ActorRef<String> cycleRequests,
      ActorRef<FilesystemSupervisor.Replicated> replications,
      BiFunction<String, ActorRef<FilesystemSupervisor.Command>, JobActor.Command> stopped) {
    this.ctx = ctx;
    this.driver = driver;
    this.node = node;
    this.cycleRequests = cycleRequests;
    this.replications = replications;
    this.stopped = stopped;
    // replication.concurrency: the job's own gate, taken before the node's transfer gate.
    List<ActorRef<Gate.Command>> gates = new ArrayList<>();
    if (driver.replicationConcurrency() < Integer.MAX_VALUE) {
      gates.add(
          ctx.spawn(
              Behaviors.supervise(
                      Gate.create(
                          "replication of " + driver.job(), driver.replicationConcurrency()))
                  .onFailure(RuntimeException.class, SupervisorStrategy.restart()),
              "replication-gate"));
    }
    node.transferGate().ifPresent(gates::add);
    this.replicationGates = List.copyOf(gates);
  }

  private SupervisorContext context(String fs) {
    return new SupervisorContext(
        driver.job(),
        fs,
        driver.stallTimeout(),
        driver.backoff(),
        driver.runner(),
        node.watchdog(),
        replicationGates,
        node.blocking(),
        node.clock(),
        cycleRequests,
        replications);
  }

  /**
   * Hands each filesystem its cycle of {@code plans}, planned from the job's listing number {@code
   * listingNumber}; stops the supervisors of vanished ones. Says once when the listing selects
   * nothing (a pool exported, or not imported yet), and once when it selects something again.
   * Returns the plan ({@code listing} is what the job keeps of the listing).
   */
  JobPlan dispatch(long cycle, JobCycles.Listed listed, CycleStart start, Instant listedAt) {
    JobListing listing = listed.listing();
    Map<DatasetName, FilesystemCycle> plans = listed.plans();
    boolean nothing = listing.filesystems().isEmpty();
    if (nothing && !nothingSelected) {
      ctx.getLog()
          .warn(
              "{} job={}; looking again on its schedule",
              CyclePlanner.NOTHING_SELECTED,
              driver.job());
    } else if (!nothing && nothingSelected) {
      ctx.getLog()
          .info(
              "filesystems selected again job={} count={}",
              driver.job(),
              listing.filesystems().size());
    }
    nothingSelected = nothing;
    dispatch(cycle, listed.number(), plans, listed.ports());
    return new JobPlan(driver.job(), Optional.of(listedAt), start, listing, plans);
  }

  private void dispatch(
      long cycle, long listingNumber, Map<DatasetName, FilesystemCycle> plans, CyclePorts ports) {
    for (String gone : new ArrayList<>(supervisors.keySet())) {
      if (!plans.containsKey(DatasetName.of(gone))) {
        ctx.getLog().info("filesystem gone job={} fs=\"{}\"", driver.job(), gone);
        ActorRef<FilesystemSupervisor.Command> sup = supervisors.remove(gone);
        ctx.unwatch(sup);
        ctx.stop(sup);
      }
    }
    plans.forEach(
        (fs, plan) ->
            supervisors
                .computeIfAbsent(fs.value(), this::spawn)
                .tell(new FilesystemSupervisor.RunCycle(cycle, listingNumber, plan, ports)));
  }

  private ActorRef<FilesystemSupervisor.Command> spawn(String fs) {
    // A bug in a supervisor restarts it (its running step is cancelled); anything worse stops it,
    // and the watch notices.
    ActorRef<FilesystemSupervisor.Command> sup =
        ctx.spawnAnonymous(
            Behaviors.supervise(FilesystemSupervisor.create(context(fs)))
                .onFailure(RuntimeException.class, SupervisorStrategy.restart()));
    ctx.watchWith(sup, stopped.apply(fs, sup));
    return sup;
  }

  /** A supervisor stopped on its own: forgotten, made anew by the next cycle. True if current. */
  boolean stopped(String fs, ActorRef<FilesystemSupervisor.Command> ref) {
    if (supervisors.get(fs) != ref) {
      return false;
    }
    supervisors.remove(fs);
    ctx.getLog().error("filesystem supervisor stopped job={} fs=\"{}\"", driver.job(), fs);
    return true;
  }

  /** Tells the filesystems below {@code filesystem} (which may wait for it there). */
  void tellBelow(String filesystem, FilesystemSupervisor.Command command) {
    // Names below it sort between "filesystem/" and "filesystem0" ('0' follows '/').
    supervisors
        .subMap(filesystem + "/", filesystem + "0")
        .values()
        .forEach(sup -> sup.tell(command));
  }

  void tellAll(FilesystemSupervisor.Command command) {
    supervisors.values().forEach(sup -> sup.tell(command));
  }

  /**
   * The job's plan as its supervisors know it now: {@code last} (the plan of the last listing) with
   * each filesystem's cycle as its supervisor holds it, moved on by the replications since. A
   * supervisor that does not answer in time, or has run no cycle, keeps the listing's.
   */
  void plan(JobPlan last, ActorRef<JobPlan> replyTo) {
    List<ActorRef<FilesystemSupervisor.Command>> refs = new ArrayList<>(supervisors.values());
    ctx.spawnAnonymous(
        Gather.create(
            refs,
            FilesystemSupervisor.GetCycle::new,
            FilesystemSupervisor.CurrentCycle.class,
            Duration.ofSeconds(1),
            answers -> last.movedOn(answers),
            replyTo));
  }

  /** Gathers every supervisor's status (those that do not answer in time are left out). */
  void status(JobStatus base, ActorRef<JobStatus> replyTo) {
    List<ActorRef<FilesystemSupervisor.Command>> refs = new ArrayList<>(supervisors.values());
    ctx.spawnAnonymous(
        Gather.create(
            refs,
            FilesystemSupervisor.GetStatus::new,
            FilesystemStatus.class,
            Duration.ofSeconds(1),
            base::withFilesystems,
            replyTo));
  }
}
