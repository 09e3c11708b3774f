package org.zfleet.transfer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The byte path's stage that keeps a {@link BandwidthLimit}: each chunk reserves its bytes and is
 * passed on once the bucket allows, one chunk at a time, so backpressure reaches the sender while
 * it waits. The wait is a scheduler timer, never a blocked thread.
 */
final class BandwidthFlow {

  private BandwidthFlow() {}

  static Flow<ByteString, ByteString, NotUsed> of(
      BandwidthLimit limit, ClassicActorSystemProvider system) {
    return Flow.of(ByteString.class)
        .mapAsync(
            1,
            chunk -> {
              long wait = limit.reserveNanos(chunk.size());
              if (wait <= 0) {
                return CompletableFuture.completedFuture(chunk);
              }
              return Patterns.after(
                  Duration.ofNanos(wait), system, () -> CompletableFuture.completedFuture(chunk));
            });
  }
}
