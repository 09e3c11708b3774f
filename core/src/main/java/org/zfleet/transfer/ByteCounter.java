package org.zfleet.transfer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Counts the bytes passing through, reports progress at most every interval or every N bytes, and
 * records whether the upstream ended cleanly: the sink decides by that flag whether the receiver
 * may see the end of the stream.
 */
final class ByteCounter extends GraphStage<FlowShape<ByteString, ByteString>> {

  private final Inlet<ByteString> in = Inlet.create("ByteCounter.in");
  private final Outlet<ByteString> out = Outlet.create("ByteCounter.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  private final TransferOptions options;
  private final ProgressListener listener;
  private final AtomicLong bytes;
  private final long startNanos;
  private volatile boolean upstreamFinished;

  ByteCounter(
      TransferOptions options, ProgressListener listener, AtomicLong bytes, long startNanos) {
    this.options = options;
    this.listener = listener;
    this.bytes = bytes;
    this.startNanos = startNanos;
  }

  /** True once the upstream completed normally (not on failure or cancellation). */
  boolean upstreamFinished() {
    return upstreamFinished;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private final long intervalNanos = options.progressInterval().toNanos();
      private long lastReportNanos = startNanos;
      private long lastReportBytes;
      private long count;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                ByteString chunk = grab(in);
                count += chunk.size();
                bytes.set(count);
                long now = System.nanoTime();
                if (count - lastReportBytes >= options.progressBytes()
                    || now - lastReportNanos >= intervalNanos) {
                  report(now, false);
                }
                push(out, chunk);
              }

              @Override
              public void onUpstreamFinish() {
                upstreamFinished = true;
                report(System.nanoTime(), true);
                completeStage();
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }

      private void report(long now, boolean finished) {
        long deltaNanos = Math.max(1, now - lastReportNanos);
        long rate = (long) ((count - lastReportBytes) * 1e9 / deltaNanos);
        lastReportNanos = now;
        lastReportBytes = count;
        listener.onProgress(
            new TransferProgress(count, Duration.ofNanos(now - startNanos), rate, finished));
      }
    };
  }
}
