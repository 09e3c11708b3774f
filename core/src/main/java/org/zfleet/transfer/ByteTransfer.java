package org.zfleet.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.SendProcess;

/**
 * Moves a sender's stdout into a receiver's stdin through Pekko Streams: read in chunks on the
 * blocking-IO dispatcher, counted, optionally rate-limited, written on the blocking-IO dispatcher.
 * Backpressure reaches the sender (a slow receiver slows the reading) and memory stays within
 * {@link TransferOptions#maxBytesInFlight()}.
 *
 * <p>The receiver sees the end of the stream only after the stream ended cleanly and the sender
 * exited successfully; on any failure both sides are killed, so a receive never commits a truncated
 * stream. Either side may be a local process or the network end of a peer.
 */
public final class ByteTransfer implements RunningTransfer {

  /**
   * After a stream error, how long the processes get to report their own failure before they are
   * killed: a broken pipe usually means the receiver exited, and its stderr says why.
   */
  static final Duration EXIT_GRACE = Duration.ofSeconds(2);

  /** How long killed processes get to exit before the failure is reported without them. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

  private enum Part {
    SEND,
    RECEIVE,
    STREAM
  }

  private final SendProcess send;
  private final ReceiveProcess receive;
  private final long startNanos = System.nanoTime();
  private final AtomicLong bytes = new AtomicLong();
  private final CompletableFuture<TransferResult> result = new CompletableFuture<>();
  private final AtomicBoolean sendKilled = new AtomicBoolean();
  private final AtomicBoolean receiveKilled = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final TransferBlame blame = new TransferBlame();
  private volatile UniqueKillSwitch killSwitch;
  private volatile CompletableFuture<?> streamDone;

  private ByteTransfer(SendProcess send, ReceiveProcess receive) {
    this.send = send;
    this.receive = receive;
  }

  /** Starts moving {@code send}'s stdout into {@code receive}'s stdin. */
  public static RunningTransfer start(
      SendProcess send,
      ReceiveProcess receive,
      TransferOptions options,
      ProgressListener listener,
      Materializer materializer) {
    ByteTransfer transfer = new ByteTransfer(send, receive);
    try {
      transfer.run(options, listener, materializer);
    } catch (RuntimeException e) {
      // Whatever failed before the stream ran (a refused setting, a materializer shut down), the
      // processes are already running: nobody else would stop them.
      transfer.notSetUp(e);
    }
    return transfer;
  }

  /** Kills both processes and fails the result once they have exited. */
  private void notSetUp(RuntimeException error) {
    blame.setUpFailed(error);
    if (failing.compareAndSet(false, true)) {
      stopAll();
      settle();
    }
  }

  private void run(TransferOptions options, ProgressListener listener, Materializer materializer) {
    String ioDispatcher =
        materializer
            .system()
            .settings()
            .config()
            .getString("pekko.stream.materializer.blocking-io-dispatcher");
    int chunk = options.effectiveChunkSize();
    ByteCounter counter = new ByteCounter(options, listener, bytes, startNanos);

    // Two asynchronous boundaries: the reader, and the rest (counting, limit, writer). A third,
    // for the counter alone, cost a thread hand-off per chunk and bought nothing: a kill switch
    // fused with the writer waits for a blocked write, but every receiver's kill ends that write.
    ChunkPool pool = new ChunkPool(chunk, (int) (options.maxBytesInFlight() / chunk) + 2);
    Source<ByteString, NotUsed> source =
        Source.unfoldResource(
                () -> new FillingInputStream(send.stdout(), options.progressInterval()),
                pool::read,
                InputStream::close)
            .async(ioDispatcher, options.streamBuffer());
    Flow<ByteString, ByteString, ?> limit =
        options
            .bandwidthLimit()
            .<Flow<ByteString, ByteString, ?>>map(l -> BandwidthFlow.of(l, materializer.system()))
            .orElseGet(() -> Flow.of(ByteString.class));
    Sink<ByteString, Pair<UniqueKillSwitch, CompletionStage<IOResult>>> toReceiver =
        Flow.fromGraph(counter)
            .via(limit)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(
                StreamConverters.fromOutputStream(
                    () ->
                        pool.recycling(
                            new CleanEndOutputStream(
                                receive.stdin(), counter::upstreamFinished, new ProcessEnding())),
                    false),
                Keep.both())
            .async(ioDispatcher, options.streamBuffer());

    Pair<UniqueKillSwitch, CompletionStage<IOResult>> materialized =
        source
            .toMat(toReceiver, Keep.right())
            .addAttributes(Attributes.inputBuffer(options.streamBuffer(), options.streamBuffer()))
            .run(materializer);
    killSwitch = materialized.first();

    streamDone = materialized.second().toCompletableFuture();
    CompletableFuture<?> sendDone = send.completion().toCompletableFuture();
    CompletableFuture<?> receiveDone = receive.completion().toCompletableFuture();
    streamDone.whenComplete((r, e) -> onOutcome(Part.STREAM, e));
    sendDone.whenComplete((r, e) -> onOutcome(Part.SEND, e));
    receiveDone.whenComplete((r, e) -> onOutcome(Part.RECEIVE, e));
    CompletableFuture.allOf(streamDone, sendDone, receiveDone)
        .thenRun(
            () ->
                result.complete(
                    new TransferResult(
                        bytes.get(), Duration.ofNanos(System.nanoTime() - startNanos))));
  }

  /** Commits the receive only once the sender exited successfully; kills it otherwise. */
  private final class ProcessEnding implements CleanEndOutputStream.Ending {
    @Override
    public void commit() throws IOException {
      try {
        send.completion().toCompletableFuture().get();
      } catch (ExecutionException e) {
        throw new IOException("the sender failed; its stream is not committed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the sender to exit", e);
      }
      receive.stdin().close();
    }

    /**
     * Leaves the receiver's stdin open, so it never sees an end, and kills it after the grace: a
     * write that failed usually means the receiver exited, and its own failure, not the kill, must
     * be what the report names.
     */
    @Override
    public void abort() {
      CompletableFuture.delayedExecutor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)
          .execute(ByteTransfer.this::killReceive);
    }
  }

  private void onOutcome(Part part, Throwable error) {
    if (error == null) {
      return;
    }
    switch (part) {
      case SEND -> blame.sendFailed(sendKilled.get(), error);
      case RECEIVE -> blame.receiveFailed(receiveKilled.get(), error);
      case STREAM -> blame.streamFailed(error);
    }
    if (!failing.compareAndSet(false, true)) {
      return;
    }
    if (part == Part.STREAM) {
      // Give the processes a moment to fail on their own, so the report names the real cause.
      CompletableFuture.delayedExecutor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)
          .execute(this::stopAll);
    } else {
      stopAll();
    }
    settle();
  }

  /** Fails the result once all three parts have ended (or the settle timeout passed). */
  private void settle() {
    CompletableFuture<?> stream =
        streamDone == null ? CompletableFuture.completedFuture(null) : streamDone;
    CompletableFuture.allOf(
            Outcomes.quietly(send.completion()),
            Outcomes.quietly(receive.completion()),
            Outcomes.quietly(stream))
        .orTimeout(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, e) ->
                result.completeExceptionally(
                    blame.failure(send.completion(), receive.completion(), bytes.get())));
  }

  private void stopAll() {
    killSend();
    killReceive();
    if (killSwitch != null) {
      killSwitch.abort(new IOException("transfer stopped"));
    }
  }

  private void killSend() {
    sendKilled.set(true);
    send.kill();
  }

  private void killReceive() {
    receiveKilled.set(true);
    receive.kill();
  }

  @Override
  public CompletionStage<TransferResult> result() {
    return result;
  }

  @Override
  public long bytesSoFar() {
    return bytes.get();
  }

  @Override
  public void cancel() {
    if (result.isDone()) {
      return;
    }
    if (failing.compareAndSet(false, true)) {
      blame.cancelled();
      stopAll();
      settle();
    } else {
      stopAll();
    }
  }
}
