package org.zfleet.node.remote;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;
import java.util.Set;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.replication.ReplicationMarks;

/**
 * What one node asks of a sink or source job on another, over the data plane: the asking node is
 * the one its connection's certificate names, never a field here. Names travel as text and are
 * checked by the answering node, which refuses a malformed one with the reason.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "request")
@JsonSubTypes({
  @JsonSubTypes.Type(value = EndpointRequest.DescribeSink.class, name = "describe-sink"),
  @JsonSubTypes.Type(value = EndpointRequest.ListSink.class, name = "list-sink"),
  @JsonSubTypes.Type(value = EndpointRequest.CreatePlaceholder.class, name = "create-placeholder"),
  @JsonSubTypes.Type(value = EndpointRequest.SetProperty.class, name = "set-property"),
  @JsonSubTypes.Type(value = EndpointRequest.DestroySnapshot.class, name = "destroy-snapshot"),
  @JsonSubTypes.Type(value = EndpointRequest.ResumeState.class, name = "resume-state"),
  @JsonSubTypes.Type(
      value = EndpointRequest.AbortPartialReceive.class,
      name = "abort-partial-receive"),
  @JsonSubTypes.Type(value = EndpointRequest.DescribeSource.class, name = "describe-source"),
  @JsonSubTypes.Type(value = EndpointRequest.ListSource.class, name = "list-source"),
  @JsonSubTypes.Type(value = EndpointRequest.HoldMark.class, name = "hold-mark"),
  @JsonSubTypes.Type(value = EndpointRequest.SetMark.class, name = "set-mark"),
  @JsonSubTypes.Type(value = EndpointRequest.StartSend.class, name = "start-send"),
  @JsonSubTypes.Type(value = EndpointRequest.ListBackups.class, name = "list-backups"),
  @JsonSubTypes.Type(value = EndpointRequest.SendBackup.class, name = "send-backup"),
})
public sealed interface EndpointRequest {

  /** The sink or source job asked. */
  String job();

  /** A request only a sink answers. */
  sealed interface ToSink extends EndpointRequest {}

  /** A request only a source answers. */
  sealed interface ToSource extends EndpointRequest {}

  /** Where the caller writes on this sink: answered with {@link EndpointReply.SinkDescribed}. */
  record DescribeSink(String job) implements ToSink {}

  /** The caller's subtree with the named user properties: {@link EndpointReply.Listed}. */
  record ListSink(String job, Set<String> properties) implements ToSink {}

  /** An unmounted placeholder in the caller's subtree. */
  record CreatePlaceholder(String job, String dataset, Map<String, String> properties)
      implements ToSink {}

  /** A zfleet property (or {@code canmount=off|noauto}) in the caller's subtree. */
  record SetProperty(String job, String datasetOrSnapshot, String property, String value)
      implements ToSink {}

  /**
   * The resume token a cut receive left on {@code target} in the caller's subtree: {@link
   * EndpointReply.ResumeState}.
   */
  record ResumeState(String job, String target) implements ToSink {}

  /** {@code zfs receive -A}: discards the partial receive into {@code target}, in its subtree. */
  record AbortPartialReceive(String job, String target) implements ToSink {}

  /**
   * One snapshot ({@code dataset@name}) the caller's pruning gives up: in its subtree on a sink,
   * among the source's filesystems on a source; never the dataset's newest, never a held one.
   */
  record DestroySnapshot(String job, String snapshot) implements ToSink, ToSource {}

  /**
   * Which node the source runs on and its snapshot prefix: {@link EndpointReply.SourceDescribed}.
   */
  record DescribeSource(String job) implements ToSource {}

  /** The source's filesystems with the named {@code zfleet:} properties. */
  record ListSource(String job, Set<String> properties) implements ToSource {}

  /**
   * Places ({@code hold}) or releases the caller's own cursor or step hold for its pull job {@code
   * pullJob}: the source makes the tag from the pull job and the caller's verified name, so a
   * client touches no other client's holds. {@code legacy}: the tag as earlier versions wrote it.
   */
  record HoldMark(
      String job,
      String snapshot,
      String pullJob,
      ReplicationMarks.Mark mark,
      boolean legacy,
      boolean hold)
      implements ToSource {}

  /** Sets (or with a null {@code value} removes) the caller's own cursor or step property. */
  record SetMark(
      String job,
      String dataset,
      String pullJob,
      ReplicationMarks.Mark mark,
      boolean legacy,
      String value)
      implements ToSource {}

  /**
   * Sends {@code to} (full when {@code from} is null, else {@code -i}, or {@code -I} with {@code
   * intermediate}) to the caller's data plane at {@code dataPlaneHost:dataPlanePort} (which must
   * present the caller's certificate), for its pull job into {@code target}: answered when the
   * transfer ends, {@link EndpointReply.Sent} or {@link EndpointReply.Failed}. With {@code
   * resumeToken} (the caller's partial receive's), only the rest of a cut send of {@code to}: the
   * source reads the token itself and refuses one that names anything else.
   */
  record StartSend(
      String job,
      String to,
      FilesystemVersion from,
      boolean intermediate,
      String pullJob,
      String target,
      boolean force,
      String dataPlaneHost,
      int dataPlanePort,
      String resumeToken)
      implements ToSource {}

  /** A request of a client for its own backups on a sink: {@link BackupRequests} answers it. */
  sealed interface ToBackups extends ToSink {}

  /**
   * The caller's replicas on this sink ({@code <root-fs>/<caller>} only), with their snapshots and
   * sizes: {@link EndpointReply.Backups}.
   */
  record ListBackups(String job) implements ToBackups {}

  /**
   * Sends {@code snapshot} of one of the caller's replicas (full when {@code from} is null, else
   * {@code -i}, or {@code -I} with {@code intermediate}) back to the caller's data plane at {@code
   * dataPlaneHost:dataPlanePort}, which must present the caller's certificate, for its restore
   * {@code restore} into {@code target} on the caller's node: answered when the transfer ends,
   * {@link EndpointReply.Sent} or {@link EndpointReply.Failed}. The replica is only read.
   */
  record SendBackup(
      String job,
      String snapshot,
      FilesystemVersion from,
      boolean intermediate,
      String restore,
      String target,
      String dataPlaneHost,
      int dataPlanePort)
      implements ToBackups {}
}
