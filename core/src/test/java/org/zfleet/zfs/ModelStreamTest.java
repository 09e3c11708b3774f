package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The model's stream format round-trips, and no truncation or flipped byte goes unnoticed. */
class ModelStreamTest {

  private static final int SEEDS = 300;

  @Test
  void decodesWhatWasEncoded() {
    for (long seed = 0; seed < SEEDS; seed++) {
      List<ModelStream.Substream> stream = randomStream(new Random(seed));
      ModelStream.Decoded decoded = ModelStream.decode(ModelStream.encode(stream));

      assertThat(decoded.error()).as("seed %d", seed).isEmpty();
      assertThat(decoded.substreams()).as("seed %d", seed).hasSize(stream.size());
      for (int i = 0; i < stream.size(); i++) {
        assertSame(decoded.substreams().get(i), stream.get(i));
      }
    }
  }

  @Test
  void everyTruncationIsNoticed() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      List<ModelStream.Substream> stream = randomStream(random);
      byte[] bytes = ModelStream.encode(stream);
      byte[] cut = Arrays.copyOf(bytes, random.nextInt(bytes.length));

      ModelStream.Decoded decoded = ModelStream.decode(cut);

      // A cut exactly between substreams reads as a shorter stream, as with ZFS; anywhere else it
      // is an error; either way the last substream is never delivered.
      assertThat(decoded.substreams().size()).as("seed %d", seed).isLessThan(stream.size());
      if (decoded.error().isEmpty()) {
        assertThat(decoded.substreams()).as("seed %d", seed).isNotEmpty();
      }
    }
  }

  @Test
  void everyFlippedByteIsNoticed() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      List<ModelStream.Substream> stream = randomStream(random);
      byte[] bytes = ModelStream.encode(stream);
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));

      ModelStream.Decoded decoded = ModelStream.decode(bytes);

      assertThat(decoded.error()).as("seed %d", seed).isPresent();
      assertThat(decoded.substreams().size()).as("seed %d", seed).isLessThan(stream.size());
    }
  }

  /** One to four substreams, each with up to four small files. */
  private static List<ModelStream.Substream> randomStream(Random random) {
    List<ModelStream.Substream> stream = new ArrayList<>();
    int substreams = 1 + random.nextInt(4);
    for (int i = 0; i < substreams; i++) {
      Map<String, byte[]> files = new HashMap<>();
      int count = random.nextInt(5);
      for (int f = 0; f < count; f++) {
        byte[] content = new byte[random.nextInt(201)];
        random.nextBytes(content);
        files.put(alpha(random, 1 + random.nextInt(8)), content);
      }
      stream.add(
          new ModelStream.Substream(
              random.nextLong(),
              random.nextLong(),
              alpha(random, 1 + random.nextInt(10)),
              (long) (random.nextDouble() * 4_000_000_000L),
              files));
    }
    return stream;
  }

  private static String alpha(Random random, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append((char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26)));
    }
    return s.toString();
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
