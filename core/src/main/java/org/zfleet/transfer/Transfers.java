package org.zfleet.transfer;

import org.apache.pekko.stream.Materializer;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.SendProcess;

/** Starts the byte path between a send and a receive; the daemon's runs on its actor system. */
@FunctionalInterface
public interface Transfers {

  RunningTransfer start(
      SendProcess send, ReceiveProcess receive, TransferOptions options, ProgressListener listener);

  /** Through Pekko Streams on {@code materializer}. */
  static Transfers streams(Materializer materializer) {
    return (send, receive, options, listener) ->
        ByteTransfer.start(send, receive, options, listener, materializer);
  }

  /** For dry runs, which plan but never send. */
  static Transfers none() {
    return (send, receive, options, listener) -> {
      send.kill();
      receive.kill();
      throw new IllegalStateException("this is a dry run: nothing is sent");
    };
  }
}
