package org.zfleet.node.dataplane;

import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ReceiveProcess;

/** How the receiving node turns an authorized request into a running receive. */
@FunctionalInterface
public interface ReceiveHook {

  /**
   * Starts the receive for an authorized request, e.g. {@code zfs receive} into the header's
   * target. A {@link org.zfleet.zfs.ZfsException} (or any exception) is sent back to the peer.
   */
  ReceiveProcess open(NodeIdentity peer, TransferHeader header);

  /** Where the receiving side reports its progress. */
  default ProgressListener progress(NodeIdentity peer, TransferHeader header) {
    return ProgressListener.NONE;
  }

  /**
   * How the stream is carried into the receive: this node's {@code defaults}, or the receiving
   * job's where it has its own (a pull job's bandwidth limit, shared by its transfers).
   */
  default TransferOptions options(
      NodeIdentity peer, TransferHeader header, TransferOptions defaults) {
    return defaults;
  }

  /** The transfer has started: for watchdogs ({@link RunningTransfer#cancel()}) and bookkeeping. */
  default void started(NodeIdentity peer, TransferHeader header, RunningTransfer transfer) {}
}
