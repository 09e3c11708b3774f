package org.zfleet.transfer;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import org.zfleet.zfs.ZfsException;

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
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile boolean sendFailedByItself;
  private volatile boolean receiveFailedByItself;

  /**
   * Whether the receiver's failure was seen before the sender's. When both fail without being
   * killed, one caused the other: a receiver that exits breaks the stream, which closes the
   * sender's stdout and kills it with SIGPIPE; a sender that fails ends a stream that must not be
   * committed. The first to end is the cause the report names.
   */
  private final AtomicBoolean receiveEndedFirst = new AtomicBoolean();

  private final AtomicBoolean oneEnded = new AtomicBoolean();
  private volatile Throwable streamError;
  private volatile RuntimeException setUpError;
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
    setUpError = error;
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

    Source<ByteString, CompletionStage<IOResult>> source =
        StreamConverters.fromInputStream(
                () -> new FillingInputStream(send.stdout(), options.progressInterval()), chunk)
            .async(ioDispatcher, options.streamBuffer());
    Flow<ByteString, ByteString, ?> limit =
        options
            .bandwidthLimit()
            .<Flow<ByteString, ByteString, ?>>map(l -> BandwidthFlow.of(l, materializer.system()))
            .orElseGet(() -> Flow.of(ByteString.class));
    Sink<ByteString, CompletionStage<IOResult>> sink =
        StreamConverters.fromOutputStream(
                () ->
                    new CleanEndOutputStream(
                        receive.stdin(), counter::upstreamFinished, new ProcessEnding()),
                false)
            .async(ioDispatcher, options.streamBuffer());

    Pair<UniqueKillSwitch, CompletionStage<IOResult>> materialized =
        source
            .via(Flow.fromGraph(counter))
            .via(limit)
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(sink, Keep.both())
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
      case SEND -> {
        sendFailedByItself = !sendKilled.get();
        oneEnded.set(true);
      }
      case RECEIVE -> {
        receiveFailedByItself = !receiveKilled.get();
        receiveEndedFirst.set(oneEnded.compareAndSet(false, true));
      }
      case STREAM -> streamError = Outcomes.unwrap(error);
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
        .whenComplete((v, e) -> result.completeExceptionally(failure()));
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

  private TransferFailedException failure() {
    String sendStderr = Outcomes.stderrOf(send.completion());
    String receiveStderr = Outcomes.stderrOf(receive.completion());
    long count = bytes.get();
    TransferFailedException.Reason reason;
    Throwable cause;
    String message;
    if (setUpError != null) {
      reason = TransferFailedException.Reason.STREAM_FAILED;
      cause = setUpError;
      message = "transfer not set up: " + Outcomes.messageOf(setUpError);
    } else if (cancelled.get()) {
      reason = TransferFailedException.Reason.CANCELLED;
      cause = null;
      message = "transfer cancelled after " + count + " bytes";
    } else if (sendFailedByItself
        && !(receiveFailedByItself
            && (receiveEndedFirst.get() || diedOfBrokenPipe(send.completion())))) {
      reason = TransferFailedException.Reason.SEND_FAILED;
      cause = Outcomes.errorOf(send.completion());
      message = "sender failed after " + count + " bytes: " + Outcomes.messageOf(cause);
    } else if (receiveFailedByItself) {
      reason = TransferFailedException.Reason.RECEIVE_FAILED;
      cause = Outcomes.errorOf(receive.completion());
      message = "receiver failed after " + count + " bytes: " + Outcomes.messageOf(cause);
    } else {
      reason = TransferFailedException.Reason.STREAM_FAILED;
      cause = streamError;
      message =
          "stream failed after " + count + " bytes: " + Outcomes.messageOf(Outcomes.rootOf(cause));
    }
    return new TransferFailedException(reason, message, count, sendStderr, receiveStderr, cause);
  }

  /**
   * Whether the sender died because its reader went away (SIGPIPE, exit 128+13, or zfs's "Broken
   * pipe"). Its only reader is this transfer, which stops reading only once the stream failed or
   * was stopped, so such a death is a consequence, never the cause, whatever order the two exits
   * were noticed in.
   */
  private static boolean diedOfBrokenPipe(CompletionStage<?> completion) {
    Throwable error = Outcomes.errorOf(completion);
    if (error == null) {
      return false;
    }
    String stderr = error instanceof ZfsException z ? z.stderr() : "";
    String text = (Outcomes.messageOf(error) + " " + stderr).toLowerCase(Locale.ROOT);
    return text.contains("broken pipe") || text.contains("exit code 141 ");
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
      cancelled.set(true);
      stopAll();
      settle();
    } else {
      stopAll();
    }
  }
}
