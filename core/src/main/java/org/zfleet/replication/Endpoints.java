package org.zfleet.replication;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.zfleet.endpoint.Receiver;
import org.zfleet.endpoint.Sender;
import org.zfleet.job.CyclePorts;

/**
 * The endpoints a cycle's listing found: the sender (a push's own, a pull's source) and a receiver
 * per reachable destination. Found once per listing; the cycle's steps use them.
 */
public record Endpoints(Optional<Sender> sender, Map<String, Receiver> receivers)
    implements CyclePorts {
  public Endpoints {
    Objects.requireNonNull(sender, "sender");
    receivers = Map.copyOf(receivers);
  }

  static Endpoints of(CyclePorts ports) {
    if (ports instanceof Endpoints endpoints) {
      return endpoints;
    }
    return new Endpoints(Optional.empty(), Map.of());
  }

  Sender sender(String destination) {
    return sender.orElseThrow(
        () -> new IllegalStateException("no sender listed for " + destination + " this cycle"));
  }

  Receiver receiver(String destination) {
    Receiver receiver = receivers.get(destination);
    if (receiver == null) {
      throw new IllegalStateException(destination + " was not reached by this cycle's listing");
    }
    return receiver;
  }
}
