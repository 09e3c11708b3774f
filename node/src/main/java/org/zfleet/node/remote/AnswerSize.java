package org.zfleet.node.remote;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.zfleet.node.cluster.JobEndpointProtocol.Listed;
import org.zfleet.node.cluster.JobEndpointProtocol.SinkReply;

/**
 * Refuses to send a listing larger than the cluster carries: Artery would drop it and leave the
 * asking node waiting for its timeout, without a word why. Other answers are small.
 */
public final class AnswerSize implements SinkEndpoint.ReplyCheck {

  /** Room for Artery's envelope around the serialized answer. */
  static final int ENVELOPE = 64 * 1024;

  private final Serialization serialization;
  private final long max;

  /**
   * @param maxFrame the largest frame the cluster sends ({@code maximum-large-frame-size})
   */
  public AnswerSize(ActorSystem<?> system, long maxFrame) {
    this.serialization = SerializationExtension.get(Adapter.toClassic(system));
    this.max = maxFrame - ENVELOPE;
  }

  @Override
  public String problem(SinkReply reply) {
    if (!(reply instanceof Listed listed)) {
      return null;
    }
    int size = serialization.findSerializerFor(reply).toBinary(reply).length;
    if (size <= max) {
      return null;
    }
    long versions = listed.datasets().stream().mapToLong(d -> d.versions().size()).sum();
    return "the listing of "
        + listed.datasets().size()
        + " datasets with "
        + versions
        + " snapshots takes "
        + size
        + " bytes, more than the "
        + max
        + " a node may answer; prune the receiver or split the sink";
  }
}
