package org.zfleet.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How one transfer moves its bytes: the chunk size read from the sender, an optional bandwidth
 * limit, and how often progress is reported (every {@code progressInterval} or every {@code
 * progressBytes}, whichever comes first, while bytes flow).
 */
public record TransferOptions(
    int chunkSize,
    OptionalLong bytesPerSecond,
    Duration progressInterval,
    long progressBytes,
    int streamBuffer) {

  public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

  /**
   * Stream elements held at each asynchronous boundary; with the chunk size, this bounds memory.
   */
  public static final int DEFAULT_STREAM_BUFFER = 4;

  public TransferOptions {
    if (chunkSize < 1024 || chunkSize > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("chunk size " + chunkSize + " is outside 1 KiB to 4 MiB");
    }
    Objects.requireNonNull(bytesPerSecond, "bytesPerSecond");
    if (bytesPerSecond.isPresent() && bytesPerSecond.getAsLong() < 1024) {
      throw new IllegalArgumentException(
          "bandwidth limit " + bytesPerSecond.getAsLong() + " B/s is below 1 KiB/s");
    }
    Objects.requireNonNull(progressInterval, "progressInterval");
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("progress interval must be positive");
    }
    if (progressBytes < 1) {
      throw new IllegalArgumentException("progress bytes must be positive");
    }
    // Pekko needs a power of two here.
    if (streamBuffer < 1 || streamBuffer > 64 || Integer.bitCount(streamBuffer) != 1) {
      throw new IllegalArgumentException(
          "stream buffer " + streamBuffer + " is not a power of two in 1..64");
    }
  }

  /** 256 KiB chunks, no bandwidth limit, progress every second or every 64 MiB. */
  public static TransferOptions defaults() {
    return new TransferOptions(
        DEFAULT_CHUNK_SIZE,
        OptionalLong.empty(),
        Duration.ofSeconds(1),
        64L << 20,
        DEFAULT_STREAM_BUFFER);
  }

  public TransferOptions withChunkSize(int size) {
    return new TransferOptions(size, bytesPerSecond, progressInterval, progressBytes, streamBuffer);
  }

  public TransferOptions withBandwidthLimit(long limitBytesPerSecond) {
    return new TransferOptions(
        chunkSize,
        OptionalLong.of(limitBytesPerSecond),
        progressInterval,
        progressBytes,
        streamBuffer);
  }

  public TransferOptions withProgressEvery(Duration interval, long bytes) {
    return new TransferOptions(chunkSize, bytesPerSecond, interval, bytes, streamBuffer);
  }

  /**
   * The most bytes the sender can be ahead of the receiver: the elements buffered at the stream's
   * asynchronous boundaries and in the stages between them, plus the one being read and the one
   * being written.
   */
  public long maxBytesInFlight() {
    return (long) effectiveChunkSize() * (3L * streamBuffer + 4);
  }

  /**
   * Under a bandwidth limit, chunks shrink to about an eighth of a second's worth so the limit is
   * kept smoothly rather than in bursts of whole chunks.
   */
  int effectiveChunkSize() {
    if (bytesPerSecond.isEmpty()) {
      return chunkSize;
    }
    long eighth = bytesPerSecond.getAsLong() / 8;
    return (int) Math.max(1024, Math.min(chunkSize, eighth));
  }
}
