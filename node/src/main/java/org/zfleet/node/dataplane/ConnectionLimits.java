package org.zfleet.node.dataplane;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.zfleet.node.tls.NodeIdentity;

/**
 * The server's bounds on connections: in setup (handshake and opening frame) in all and per
 * address, open in all, and open per authenticated node. Counts are taken when a bound is checked
 * and given back when the connection leaves that state.
 */
final class ConnectionLimits {

  private final DataPlaneSettings.Limits limits;
  private final Semaphore setupSlots;
  private final Map<InetAddress, AtomicInteger> setupByAddress = new ConcurrentHashMap<>();
  private final Map<NodeIdentity, AtomicInteger> openByNode = new ConcurrentHashMap<>();

  ConnectionLimits(DataPlaneSettings.Limits limits) {
    this.limits = limits;
    this.setupSlots = new Semaphore(limits.setup());
  }

  /**
   * Admits a new connection from {@code from} into setup, {@code open} connections being open
   * already: empty if admitted (its setup slots are taken), else which bound it is over.
   */
  Optional<String> admit(InetAddress from, int open) {
    if (open >= limits.total()) {
      return Optional.of(limits.total() + " connections are open");
    }
    if (!setupSlots.tryAcquire()) {
      return Optional.of(limits.setup() + " connections are in setup");
    }
    if (setupByAddress.computeIfAbsent(from, a -> new AtomicInteger()).incrementAndGet()
        > limits.setupPerAddress()) {
      endSetup(from);
      return Optional.of(limits.setupPerAddress() + " connections from " + from + " are in setup");
    }
    return Optional.empty();
  }

  /** A connection's setup is over, whatever its outcome: its slots are free again. */
  void endSetup(InetAddress from) {
    setupSlots.release();
    setupByAddress.computeIfPresent(from, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** Connections whose handshake or opening frame is under way. */
  int inSetup() {
    return limits.setup() - setupSlots.availablePermits();
  }

  /** Counts an authenticated connection of {@code node}; false if it has too many already. */
  boolean openFor(NodeIdentity node) {
    AtomicInteger open = openByNode.computeIfAbsent(node, n -> new AtomicInteger());
    if (open.incrementAndGet() > limits.perNode()) {
      closedFor(node);
      return false;
    }
    return true;
  }

  void closedFor(NodeIdentity node) {
    openByNode.computeIfPresent(node, (n, c) -> c.decrementAndGet() <= 0 ? null : c);
  }
}
