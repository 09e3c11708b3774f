package org.zfleet.node.remote;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.zfleet.config.SinkJob;
import org.zfleet.endpoint.LocalReceiver;
import org.zfleet.model.DatasetName;
import org.zfleet.model.SnapshotName;
import org.zfleet.node.remote.EndpointReply.Done;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsNames;
import org.zfleet.zfs.ZfsPort;

/**
 * A sink's answers to one of its clients, through a {@link LocalReceiver} for that client: the same
 * checks of {@code <root-fs>/<client>} as for a push on this node. The stream itself arrives on the
 * data plane ({@link SinkDataPlane}).
 */
public final class SinkRequests {

  /** Most user properties a client may ask for in one listing. */
  static final int MAX_LISTED_PROPERTIES = 64;

  /** Native properties a client may set on a placeholder, with the only value it may give. */
  private static final Map<String, String> PLACEHOLDER_NATIVE = Map.of("canmount", "off");

  private final String node;
  private final ZfsPort zfs;
  private final Transfers transfers;
  private final Optional<BackupRequests> backups;

  /** A sink that serves no restores (its clients' backup requests are refused). */
  public SinkRequests(String node, ZfsPort zfs, Transfers transfers) {
    this(node, zfs, transfers, Optional.empty());
  }

  public SinkRequests(
      String node, ZfsPort zfs, Transfers transfers, Optional<BackupRequests> backups) {
    this.node = node;
    this.zfs = zfs;
    this.transfers = transfers;
    this.backups = backups;
  }

  EndpointReply answer(
      SinkJob sink, NodeIdentity peer, EndpointRequest.ToSink request, EndpointRequests core) {
    if (request instanceof EndpointRequest.ToBackups backup) {
      return backups.isPresent()
          ? backups.get().answer(sink, peer, backup, core)
          : core.refuse(
              "sink", sink.name(), peer.name(), "", "node " + node + " serves no restores");
    }
    LocalReceiver receiver =
        new LocalReceiver(
            zfs, sink.name(), sink.rootFs(), Set.copyOf(sink.clients()), peer.name(), transfers);
    String root = receiver.root().value();
    if (request instanceof EndpointRequest.DescribeSink) {
      return new EndpointReply.SinkDescribed(
          node, sink.name(), receiver.root(), receiver.resumes());
    }
    if (request instanceof EndpointRequest.ListSink list) {
      String problem = propertiesProblem(list.properties());
      return problem != null
          ? core.refuse("sink", sink.name(), peer.name(), root, problem)
          : new EndpointReply.Listed(
              withoutReceiveState(receiver.list(Set.copyOf(list.properties()))));
    }
    if (request instanceof EndpointRequest.CreatePlaceholder create) {
      DatasetName dataset = DatasetName.of(String.valueOf(create.dataset()));
      Map<String, String> properties = create.properties() == null ? Map.of() : create.properties();
      String problem = placeholderPropertiesProblem(properties);
      if (problem != null) {
        return core.refuse("sink", sink.name(), peer.name(), dataset.value(), problem);
      }
      receiver.createPlaceholder(dataset, properties);
      return new Done("created placeholder " + dataset);
    }
    if (request instanceof EndpointRequest.SetProperty set) {
      String target = ZfsNames.requireDatasetOrSnapshot(String.valueOf(set.datasetOrSnapshot()));
      ZfsNames.requireProperty(String.valueOf(set.property()));
      ZfsNames.requirePropertyValue(String.valueOf(set.value()));
      receiver.setUserProperty(target, set.property(), set.value());
      return new Done("set " + set.property() + " on " + target);
    }
    if (request instanceof EndpointRequest.ResumeState state) {
      DatasetName target = DatasetName.of(String.valueOf(state.target()));
      return receiver
          .resumeToken(target)
          .map(t -> new EndpointReply.ResumeState(t.token(), t.bytes()))
          .orElseGet(() -> new EndpointReply.ResumeState("", 0));
    }
    if (request instanceof EndpointRequest.AbortPartialReceive abort) {
      DatasetName target = DatasetName.of(String.valueOf(abort.target()));
      receiver.abortResumableReceive(target);
      return new Done("aborted the partial receive into " + target);
    }
    EndpointRequest.DestroySnapshot destroy = (EndpointRequest.DestroySnapshot) request;
    SnapshotName snapshot = SnapshotName.parse(String.valueOf(destroy.snapshot()));
    if (!snapshot.dataset().isWithin(receiver.root())) {
      return core.refuse(
          "sink", sink.name(), peer.name(), snapshot.toString(), "outside " + receiver.root());
    }
    var problem = DestroyGuard.problem(zfs, snapshot);
    if (problem.isPresent()) {
      return core.refuse("sink", sink.name(), peer.name(), snapshot.toString(), problem.get());
    }
    receiver.destroySnapshot(snapshot);
    return new Done("destroyed " + snapshot);
  }

  /**
   * The sink's listing as a client sees it: without the receive state the sink's own receives judge
   * increments by, which a client has no use for (its receives here read their target from zfs).
   */
  private static List<DatasetListing> withoutReceiveState(List<DatasetListing> listed) {
    return listed.stream()
        .map(
            d -> {
              Map<String, String> properties = new HashMap<>(d.properties());
              properties.keySet().removeAll(DatasetListing.RECEIVE_STATE);
              return new DatasetListing(
                  d.name(), d.type(), d.versions(), properties, d.versionProperties());
            })
        .toList();
  }

  static String propertiesProblem(Set<String> properties) {
    if (properties == null) {
      return "no property list";
    }
    if (properties.size() > MAX_LISTED_PROPERTIES) {
      return properties.size() + " properties asked for, at most " + MAX_LISTED_PROPERTIES;
    }
    for (String property : properties) {
      String problem = ZfsNames.userPropertyProblem(property);
      if (problem != null) {
        return "cannot list property \"" + property + "\": " + problem;
      }
    }
    return null;
  }

  /** User properties and {@code canmount=off}; nothing that mounts or moves data. */
  private static String placeholderPropertiesProblem(Map<String, String> properties) {
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String name = String.valueOf(e.getKey());
      String value = String.valueOf(e.getValue());
      if (ZfsNames.userPropertyProblem(name) == null) {
        String valueProblem = ZfsNames.propertyValueProblem(value);
        if (valueProblem != null) {
          return "property " + name + ": " + valueProblem;
        }
      } else if (!value.equals(PLACEHOLDER_NATIVE.get(name))) {
        return "a client may not set " + name + "=" + value + " on a placeholder";
      }
    }
    return null;
  }
}
