package org.zfleet.job;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every job and every transfer shares on this node: the watchdog, the transfer gate (none
 * outside a daemon), the executor for blocking work and the clock.
 */
public record NodeContext(
    ActorRef<Watchdog.Command> watchdog,
    Optional<ActorRef<Gate.Command>> transferGate,
    Executor blocking,
    Clock clock) {}
