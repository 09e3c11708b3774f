package org.zfleet.endpoint;

import java.io.InputStream;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.RunningTransfer;
import org.zfleet.transfer.TransferOptions;
import org.zfleet.zfs.ReceiveRequest;

/**
 * A send that runs on another node (a source job's): its bytes never pass through this process as a
 * stream to read; the source is asked to deliver them to this node's receive instead. Only a {@link
 * PullReceiver} accepts it.
 */
public interface RemoteSend extends org.zfleet.zfs.SendProcess {

  /**
   * Has the source send into a receive of {@code request} on this node; the transfer completes when
   * the source reports the stream acknowledged, and fails with its reason otherwise.
   */
  RunningTransfer deliver(
      ReceiveRequest request, TransferOptions options, ProgressListener listener);

  @Override
  default InputStream stdout() {
    throw new UnsupportedOperationException(
        "a remote send is delivered by its source, not read here");
  }
}
