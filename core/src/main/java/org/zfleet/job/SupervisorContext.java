package org.zfleet.job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link FilesystemSupervisor} needs from its job and node.
 *
 * @param replicationGates the job's replication gate and the node's transfer gate, in the order a
 *     replication takes their permits
 * @param cycleRequests where the supervisor asks its job for a fresh cycle (by filesystem name)
 * @param replicated where it tells its job that a replica arrived
 */
public record SupervisorContext(
    String job,
    String filesystem,
    Duration stallTimeout,
    Backoff backoff,
    StepRunner runner,
    ActorRef<Watchdog.Command> watchdog,
    List<ActorRef<Gate.Command>> replicationGates,
    Executor blocking,
    Clock clock,
    ActorRef<String> cycleRequests,
    ActorRef<FilesystemSupervisor.Replicated> replicated) {}
