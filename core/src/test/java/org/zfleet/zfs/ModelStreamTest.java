package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The model's stream format round-trips, and no truncation or flipped byte goes unnoticed. */
class ModelStreamTest {

  @Property(tries = 200)
  void decodesWhatWasEncoded(@ForAll("streams") List<ModelStream.Substream> stream) {
    ModelStream.Decoded decoded = ModelStream.decode(ModelStream.encode(stream));

    assertThat(decoded.error()).isEmpty();
    assertThat(decoded.substreams()).hasSize(stream.size());
    for (int i = 0; i < stream.size(); i++) {
      assertSame(decoded.substreams().get(i), stream.get(i));
    }
  }

  @Property(tries = 300)
  void everyTruncationIsNoticed(
      @ForAll("streams") List<ModelStream.Substream> stream,
      @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed) {
    byte[] bytes = ModelStream.encode(stream);
    byte[] cut = Arrays.copyOf(bytes, cutSeed % bytes.length);

    ModelStream.Decoded decoded = ModelStream.decode(cut);

    // A cut exactly between substreams reads as a shorter stream, as with ZFS; anywhere else it
    // is an error; either way the last substream is never delivered.
    assertThat(decoded.substreams().size()).isLessThan(stream.size());
    if (decoded.error().isEmpty()) {
      assertThat(decoded.substreams()).isNotEmpty();
    }
  }

  @Property(tries = 300)
  void everyFlippedByteIsNoticed(
      @ForAll("streams") List<ModelStream.Substream> stream,
      @ForAll @IntRange(min = 0, max = 1_000_000) int at,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
    byte[] bytes = ModelStream.encode(stream);
    bytes[at % bytes.length] ^= (byte) mask;

    ModelStream.Decoded decoded = ModelStream.decode(bytes);

    assertThat(decoded.error()).isPresent();
    assertThat(decoded.substreams().size()).isLessThan(stream.size());
  }

  @Provide
  Arbitrary<List<ModelStream.Substream>> streams() {
    Arbitrary<Map<String, byte[]>> files =
        Arbitraries.maps(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200))
            .ofMaxSize(4);
    Arbitrary<ModelStream.Substream> one =
        Combinators.combine(
                Arbitraries.longs(),
                Arbitraries.longs(),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.longs().between(0, 4_000_000_000L),
                files)
            .as(ModelStream.Substream::new);
    return one.list().ofMinSize(1).ofMaxSize(4).map(ArrayList::new);
  }

  private static void assertSame(ModelStream.Substream actual, ModelStream.Substream expected) {
    assertThat(actual.fromGuid()).isEqualTo(expected.fromGuid());
    assertThat(actual.toGuid()).isEqualTo(expected.toGuid());
    assertThat(actual.toName()).isEqualTo(expected.toName());
    assertThat(actual.creationEpochSecond()).isEqualTo(expected.creationEpochSecond());
    assertThat(new TreeMap<>(actual.files()))
        .usingRecursiveComparison()
        .isEqualTo(new TreeMap<>(expected.files()));
  }
}
