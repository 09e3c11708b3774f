package org.zfleet.node.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.zfleet.config.HostPort;

/**
 * Ties every cluster member's advertised name (its {@code node:<name>} role) to the CN of the
 * certificate it presented when this node connected to it, and downs members where the two differ,
 * that have no name, or that take a name another member already has. One runs on every node.
 */
public final class IdentityGuard extends AbstractBehavior<IdentityGuard.Command> {

  /** How often members not yet seen over TLS are checked again. */
  static final Duration RECHECK_INTERVAL = Duration.ofMillis(500);

  /** After this many rechecks without a certificate a member is reported as unverified. */
  static final int RECHECKS_BEFORE_WARNING = 60;

  public sealed interface Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private enum Recheck implements Command {
    INSTANCE
  }

  private final Cluster cluster;
  private final PeerIdentities identities;
  private final TimerScheduler<Command> timers;

  /**
   * Members whose name is known but whose certificate has not been seen yet, with recheck counts.
   */
  private final Map<Address, Integer> pending = new HashMap<>();

  /** Verified members by address. */
  private final Map<Address, String> verified = new HashMap<>();

  /** Members this guard has downed, until they are removed. */
  private final Set<Address> refused = new HashSet<>();

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new IdentityGuard(ctx, timers)));
  }

  private IdentityGuard(ActorContext<Command> ctx, TimerScheduler<Command> timers) {
    super(ctx);
    this.timers = timers;
    this.cluster = Cluster.get(ctx.getSystem());
    this.identities = PeerIdentities.get(ctx.getSystem());
    ActorRef<ClusterEvent.MemberEvent> events =
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new);
    cluster.subscriptions().tell(Subscribe.create(events, ClusterEvent.MemberEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MemberChanged.class, this::onMemberChanged)
        .onMessageEquals(Recheck.INSTANCE, this::onRecheck)
        .build();
  }

  private Behavior<Command> onMemberChanged(MemberChanged changed) {
    Member member = changed.event().member();
    if (member.address().equals(cluster.selfMember().address())) {
      return this;
    }
    if (changed.event() instanceof ClusterEvent.MemberRemoved) {
      PeerIdentities.hostPort(member.address()).ifPresent(identities::forgetMember);
      pending.remove(member.address());
      verified.remove(member.address());
      refused.remove(member.address());
      return this;
    }
    if (!verified.containsKey(member.address())
        && !pending.containsKey(member.address())
        && !refused.contains(member.address())) {
      admit(member);
    }
    return this;
  }

  private void admit(Member member) {
    Optional<HostPort> hostPort = PeerIdentities.hostPort(member.address());
    List<String> names = nodeNames(member);
    if (hostPort.isEmpty() || names.size() != 1) {
      down(member.address(), "it advertises " + names.size() + " node: roles instead of one");
      return;
    }
    String name = names.get(0);
    for (Map.Entry<Address, String> other : verified.entrySet()) {
      if (other.getValue().equals(name)) {
        down(member.address(), "node " + name + " is already a member at " + other.getKey());
        return;
      }
    }
    identities.recordMember(hostPort.get(), name);
    pending.put(member.address(), 0);
    check(member.address());
  }

  private Behavior<Command> onRecheck() {
    for (Address address : new ArrayList<>(pending.keySet())) {
      check(address);
    }
    return this;
  }

  private void check(Address address) {
    HostPort hostPort = PeerIdentities.hostPort(address).orElseThrow();
    String claimed = identities.memberName(hostPort).orElseThrow();
    Optional<String> certificate = identities.certificateName(hostPort);
    if (certificate.isEmpty()) {
      int rechecks = pending.merge(address, 1, Integer::sum);
      if (rechecks == RECHECKS_BEFORE_WARNING) {
        getContext()
            .getLog()
            .warn(
                "member not verified yet member={} node={}: no TLS connection to it so far",
                address,
                claimed);
      }
      timers.startSingleTimer(Recheck.INSTANCE, RECHECK_INTERVAL);
      return;
    }
    pending.remove(address);
    if (!certificate.get().equals(claimed)) {
      down(
          address,
          "it claims node:" + claimed + " but its certificate names \"" + certificate.get() + "\"");
      return;
    }
    verified.put(address, claimed);
    getContext().getLog().info("member verified member={} node={}", address, claimed);
  }

  private void down(Address address, String reason) {
    refused.add(address);
    getContext().getLog().error("downing member={}: {}", address, reason);
    cluster.manager().tell(new Down(address));
  }

  private static List<String> nodeNames(Member member) {
    List<String> names = new ArrayList<>();
    for (String role : member.getRoles()) {
      if (role.startsWith(ClusterSettings.NODE_ROLE_PREFIX)) {
        names.add(role.substring(ClusterSettings.NODE_ROLE_PREFIX.length()));
      }
    }
    return names;
  }
}
