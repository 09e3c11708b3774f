package org.zfleet.node.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.protocol.CborSerializable;
import org.zfleet.zfs.DatasetListing;

/**
 * Messages a sink or source job's endpoint accepts from other nodes. The {@link JobDirectory}
 * registers and finds endpoints of this type; the replication protocol extends it.
 *
 * <p>A sink endpoint acts for the identity of the node that sent a request, which it takes from the
 * request's {@code replyTo} (see {@link PeerIdentities}), never from the message. Requests carry
 * dataset and snapshot names as text: the endpoint validates them and answers a malformed name with
 * {@link Refused}, where a typed field would make the message undeliverable and leave the caller
 * waiting. Every request is answered with exactly one {@link SinkReply}.
 */
public interface JobEndpointProtocol extends CborSerializable {

  /** Asks the endpoint to say which node and job it is. */
  record Ping(ActorRef<Pong> replyTo) implements JobEndpointProtocol {
    public Ping {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The answer to {@link Ping}: the endpoint's own account of its node and job. */
  record Pong(String node, String job) implements CborSerializable {}

  /** Asks a sink where its data plane listens and which root the caller writes under. */
  record Describe(ActorRef<SinkReply> replyTo) implements JobEndpointProtocol {
    public Describe {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Lists the caller's subtree with the named user properties; answered with {@link Listed}. */
  record ListDatasets(Set<String> properties, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public ListDatasets {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Creates an unmounted placeholder filesystem in the caller's subtree. */
  record CreatePlaceholder(
      String dataset, Map<String, String> properties, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public CreatePlaceholder {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Destroys one snapshot ({@code dataset@name}) in the caller's subtree, never forced. */
  record DestroySnapshot(String snapshot, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public DestroySnapshot {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Sets a user property on a dataset or snapshot in the caller's subtree. */
  record SetProperty(
      String datasetOrSnapshot, String property, String value, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public SetProperty {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Asks a source which node it runs on and which prefix its snapshots have. */
  record DescribeSource(ActorRef<SinkReply> replyTo) implements JobEndpointProtocol {
    public DescribeSource {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The answer to {@link DescribeSource}; {@code snapshotPrefix} is empty if it names none. */
  record SourceDescribed(String node, String job, String snapshotPrefix) implements SinkReply {}

  /** Lists the source's filesystems that the caller may pull; answered with {@link Listed}. */
  record ListSource(Set<String> properties, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public ListSource {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Puts a {@code zfleet_} hold on a source snapshot for the caller's replication. */
  record Hold(String snapshot, String tag, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public Hold {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Releases a {@code zfleet_} hold from a source snapshot. */
  record Release(String snapshot, String tag, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public Release {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Removes a {@code zfleet:} property from a source filesystem. */
  record InheritProperty(String dataset, String property, ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public InheritProperty {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * Asks a source to send {@code to} (full when {@code from} is null, else {@code -i} or, with
   * {@code intermediate}, {@code -I}) over the data plane to the caller's node, listening at {@code
   * dataPlaneHost:dataPlanePort}, for the caller's pull job {@code pullJob} into {@code target}.
   * Answered when the transfer ends: {@link Sent}, or {@link Failed} with the stderrs.
   */
  record StartSend(
      String to,
      FilesystemVersion from,
      boolean intermediate,
      String pullJob,
      String target,
      boolean force,
      String dataPlaneHost,
      int dataPlanePort,
      ActorRef<SinkReply> replyTo)
      implements JobEndpointProtocol {
    public StartSend {
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** The answer to {@link StartSend}: the caller acknowledged {@code bytes}. */
  record Sent(long bytes) implements SinkReply {}

  /** What a sink endpoint answers. */
  sealed interface SinkReply extends CborSerializable {}

  /**
   * The answer to {@link Describe}: the sink's node (whose certificate its data plane presents),
   * job, data-plane address, and {@code <root-fs>/<caller>}.
   */
  record Described(
      String node, String job, String dataPlaneHost, int dataPlanePort, DatasetName root)
      implements SinkReply {}

  /** The answer to {@link ListDatasets}. */
  record Listed(List<DatasetListing> datasets) implements SinkReply {
    public Listed {
      datasets = List.copyOf(datasets);
    }
  }

  /** The request was carried out; {@code what} says what was done, for logs. */
  record Done(String what) implements SinkReply {}

  /**
   * The caller may not do this: not a client of the sink, outside its subtree, not a verified node,
   * or a malformed request. {@code identity} is the caller as the sink saw it, {@code reason} says
   * why without repeating identity and dataset.
   */
  record Refused(String identity, String dataset, String reason) implements SinkReply {}

  /**
   * The request was allowed but failed on the sink's node. {@code error} names the kind of ZFS
   * error ({@code NotFound}, {@code Busy}, {@code AlreadyExists}, ...) or is {@code Error}.
   */
  record Failed(String error, String message, String stderr) implements SinkReply {}
}
