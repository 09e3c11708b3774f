package org.zfleet.replication;

/**
 * Finds a source job by name for a pull job on this node. Throws {@link
 * ReceiverDirectory.Unavailable} while no node offers it, and {@link
 * org.zfleet.endpoint.AccessRefused} if the source does not serve this node.
 */
public interface SourceDirectory {

  /**
   * @param pullJob the pulling job, whose streams this node's data plane is to accept
   * @param identity this node
   */
  PulledSource source(String sourceJob, String pullJob, String identity);

  /** Without a cluster there is no source to pull from. */
  SourceDirectory NONE =
      (source, pull, identity) -> {
        throw new ReceiverDirectory.Unavailable(
            "source " + source + ": this node is not in a cluster");
      };
}
