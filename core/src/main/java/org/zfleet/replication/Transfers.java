package org.zfleet.replication;

import org.apache.pekko.stream.Materializer;
import org.zfleet.transfer.ByteTransfer;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.SendProcess;

/** Starts the byte path between a send and a receive; the daemon's runs on its actor system. */
@FunctionalInterface
public interface Transfers {

  RunningTransfer start(SendProcess send, ReceiveProcess receive, ProgressListener listener);

  /** Through Pekko Streams on {@code materializer}, with {@code options} (chunking, bandwidth limit). */
  static Transfers streams(TransferOptions options, Materializer materializer) {
    return (send, receive, listener) -> ByteTransfer.start(send, receive, options, listener, materializer);
  }

  /** For dry runs, which plan but never send. */
  static Transfers none() {
    return (send, receive, listener) -> {
      send.kill();
      receive.kill();
      throw new IllegalStateException("this is a dry run: nothing is sent");
    };
  }
}
