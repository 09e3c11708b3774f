package org.zfleet.replication;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.endpoint.Receiver;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.ZfsPort;

/**
 * The sink jobs of this daemon, for push jobs of the same daemon (replication between local pools).
 */
public final class LocalReceiverDirectory implements ReceiverDirectory {

  private final ZfsPort zfs;
  private final Transfers transfers;
  private final Map<String, SinkJob> sinks = new LinkedHashMap<>();

  /**
   * @param transfers the byte path into this node's receives
   */
  public LocalReceiverDirectory(ZfsPort zfs, List<SinkJob> sinks, Transfers transfers) {
    this.zfs = zfs;
    this.transfers = transfers;
    sinks.forEach(s -> this.sinks.put(s.name(), s));
  }

  @Override
  public Receiver receiver(String sinkJob, String identity) {
    SinkJob sink = sinks.get(sinkJob);
    if (sink == null) {
      throw new Unavailable(
          "no sink job named "
              + sinkJob
              + " runs on this node"
              + (sinks.isEmpty()
                  ? ""
                  : " (sinks here: " + String.join(", ", sinks.keySet()) + ")"));
    }
    return new LocalReceiver(
        zfs, sink.name(), sink.rootFs(), Set.copyOf(sink.clients()), identity, transfers);
  }
}
