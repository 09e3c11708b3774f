package org.zfleet.node.health;

import java.util.Optional;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** Where the control API finds the node's {@link NodeMonitor}: one per actor system. */
public final class MonitorExtension implements Extension {

  private static final Id ID = new Id();
  private volatile NodeMonitor monitor;

  public static MonitorExtension get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  void attach(NodeMonitor monitor) {
    this.monitor = monitor;
  }

  /** The node's monitor, once the daemon has started it. */
  public Optional<NodeMonitor> monitor() {
    return Optional.ofNullable(monitor);
  }

  private static final class Id extends AbstractExtensionId<MonitorExtension>
      implements ExtensionIdProvider {
    @Override
    public MonitorExtension createExtension(ExtendedActorSystem system) {
      return new MonitorExtension();
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
