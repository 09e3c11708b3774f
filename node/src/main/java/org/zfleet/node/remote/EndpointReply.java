package org.zfleet.node.remote;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.zfleet.model.DatasetName;
import org.zfleet.restore.Replica;
import org.zfleet.zfs.DatasetListing;

/** What a sink or source job answers to an {@link EndpointRequest}: exactly one per request. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "reply")
@JsonSubTypes({
  @JsonSubTypes.Type(value = EndpointReply.SinkDescribed.class, name = "sink-described"),
  @JsonSubTypes.Type(value = EndpointReply.SourceDescribed.class, name = "source-described"),
  @JsonSubTypes.Type(value = EndpointReply.Listed.class, name = "listed"),
  @JsonSubTypes.Type(value = EndpointReply.Backups.class, name = "backups"),
  @JsonSubTypes.Type(value = EndpointReply.ResumeState.class, name = "resume-state"),
  @JsonSubTypes.Type(value = EndpointReply.Done.class, name = "done"),
  @JsonSubTypes.Type(value = EndpointReply.Sent.class, name = "sent"),
  @JsonSubTypes.Type(value = EndpointReply.Refused.class, name = "refused"),
  @JsonSubTypes.Type(value = EndpointReply.Failed.class, name = "failed"),
})
public sealed interface EndpointReply {

  /**
   * The sink's node and job, {@code <root-fs>/<caller>}, below which the caller writes, and whether
   * the sink receives resumably ({@code receive -s}: its ZFS can).
   */
  record SinkDescribed(String node, String job, DatasetName root, boolean resumes)
      implements EndpointReply {}

  /**
   * The resume token a cut receive left on the asked target ({@code token} empty when none) and how
   * many bytes had arrived. Only the token's text is used: the sender reads what it names itself.
   */
  record ResumeState(String token, long bytes) implements EndpointReply {}

  /**
   * The source's node and job, its snapshot prefix ("" for none), and whether it continues cut
   * sends from a resume token ({@code send -t}: its ZFS can).
   */
  record SourceDescribed(String node, String job, String snapshotPrefix, boolean resumes)
      implements EndpointReply {}

  record Listed(List<DatasetListing> datasets) implements EndpointReply {
    public Listed {
      datasets = List.copyOf(datasets);
    }
  }

  /** The caller's replicas on a sink, for {@code zfleet backups list} and restores. */
  record Backups(List<Replica> replicas) implements EndpointReply {
    public Backups {
      replicas = List.copyOf(replicas);
    }
  }

  /** Carried out; {@code what} says what was done. */
  record Done(String what) implements EndpointReply {}

  /** The stream was sent and the caller acknowledged {@code bytes}. */
  record Sent(long bytes) implements EndpointReply {}

  /**
   * The caller may not do this (not a client, outside its subtree, someone else's mark, a malformed
   * name, ...): {@code identity} is the caller as its certificate names it.
   */
  record Refused(String identity, String dataset, String reason) implements EndpointReply {}

  /** Allowed but failed: {@code error} names the ZFS error's kind ({@code NotFound}, ...). */
  record Failed(String error, String message, String stderr) implements EndpointReply {}
}
