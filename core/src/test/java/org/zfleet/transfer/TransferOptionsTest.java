package org.zfleet.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransferOptionsTest {

  @Test
  void defaultsBoundTheBytesInFlightToAFewMebibytes() {
    TransferOptions defaults = TransferOptions.defaults();

    assertThat(defaults.chunkSize()).isEqualTo(256 * 1024);
    assertThat(defaults.maxBytesInFlight()).isEqualTo(16L * 256 * 1024);
  }

  @Test
  void optionsDerivedFromAJobsOptionsShareItsBucketAndOtherJobsHaveTheirOwn() {
    TransferOptions job = TransferOptions.defaults().withBandwidthLimit(1 << 20);
    TransferOptions derived =
        job.withChunkSize(64 * 1024).withProgressEvery(Duration.ofHours(1), 1);
    TransferOptions otherJob = TransferOptions.defaults().withBandwidthLimit(1 << 20);

    assertThat(derived.bandwidthLimit().orElseThrow()).isSameAs(job.bandwidthLimit().orElseThrow());
    assertThat(otherJob.bandwidthLimit().orElseThrow())
        .isNotSameAs(job.bandwidthLimit().orElseThrow());
    assertThat(job.bytesPerSecond()).hasValue(1 << 20);
    assertThat(TransferOptions.defaults().bytesPerSecond()).isEmpty();
  }

  @ParameterizedTest(name = "limit {0} B/s -> chunks of {1}")
  @CsvSource({
    "1024, 1024",
    "80000, 10000",
    "1000000, 125000",
    "2097152, 262144",
    "1000000000, 262144",
  })
  void aBandwidthLimitShrinksChunksToAnEighthOfASecond(long limit, int chunk) {
    assertThat(TransferOptions.defaults().withBandwidthLimit(limit).effectiveChunkSize())
        .isEqualTo(chunk);
  }

  @ParameterizedTest(name = "{4}")
  @CsvSource({
    "512, 0, 1000, 16, chunk size",
    "65536, 0, 0, 16, progress bytes",
    "65536, 0, 1000, 3, stream buffer",
  })
  void invalidOptionsAreRefusedByName(
      int chunk, long limit, long progressBytes, int buffer, String named) {
    assertThatThrownBy(
            () ->
                new TransferOptions(
                    chunk,
                    limit == 0 ? Optional.empty() : Optional.of(BandwidthLimit.of(limit)),
                    Duration.ofSeconds(1),
                    progressBytes,
                    buffer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named);
  }
}
