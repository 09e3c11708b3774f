package org.zfleet.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a job's transfers move their bytes: the chunk size read from the sender, an optional
 * bandwidth limit, and how often progress is reported (every {@code progressInterval} or every
 * {@code progressBytes}, whichever comes first, while bytes flow).
 *
 * <p>The limit is a bucket shared by every transfer made with these options: make the options once
 * per job and the limit holds for the job as a whole (zrepl's meaning), however many of its
 * filesystems replicate at once.
 */
public record TransferOptions(
    int chunkSize,
    Optional<BandwidthLimit> bandwidthLimit,
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
    Objects.requireNonNull(bandwidthLimit, "bandwidthLimit");
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
        Optional.empty(),
        Duration.ofSeconds(1),
        64L << 20,
        DEFAULT_STREAM_BUFFER);
  }

  public TransferOptions withChunkSize(int size) {
    return new TransferOptions(size, bandwidthLimit, progressInterval, progressBytes, streamBuffer);
  }

  /**
   * Limited to {@code limitBytesPerSecond} by a new bucket, which every transfer made with the
   * returned options (or options derived from them) shares.
   */
  public TransferOptions withBandwidthLimit(long limitBytesPerSecond) {
    return withBandwidthLimit(BandwidthLimit.of(limitBytesPerSecond));
  }

  /** Limited by {@code shared}, a bucket other options may draw from as well. */
  public TransferOptions withBandwidthLimit(BandwidthLimit shared) {
    return new TransferOptions(
        chunkSize, Optional.of(shared), progressInterval, progressBytes, streamBuffer);
  }

  public TransferOptions withProgressEvery(Duration interval, long bytes) {
    return new TransferOptions(chunkSize, bandwidthLimit, interval, bytes, streamBuffer);
  }

  /** The limit in bytes per second, if there is one. */
  public OptionalLong bytesPerSecond() {
    return bandwidthLimit
        .map(l -> OptionalLong.of(l.bytesPerSecond()))
        .orElse(OptionalLong.empty());
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
    if (bandwidthLimit.isEmpty()) {
      return chunkSize;
    }
    long eighth = bandwidthLimit.get().bytesPerSecond() / 8;
    return (int) Math.max(1024, Math.min(chunkSize, eighth));
  }
}
