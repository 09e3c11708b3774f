package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Receptionist keys for job names, over seeded random names. */
class JobKeysTest {

  private static final String ALLOWED =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:";
  private static final int SEEDS = 1000;

  private static String jobName(Random random) {
    StringBuilder s = new StringBuilder();
    int length = 1 + random.nextInt(80);
    for (int i = 0; i < length; i++) {
      s.append(ALLOWED.charAt(random.nextInt(ALLOWED.length())));
    }
    return s.toString();
  }

  @Test
  void everyValidJobNameHasAKeyThatNamesIt() {
    for (long seed = 0; seed < SEEDS; seed++) {
      String job = jobName(new Random(seed));
      assertThat(JobKeys.keyFor(job).id())
          .as("seed %d: %s", seed, job)
          .isEqualTo(JobKeys.PREFIX + job);
    }
  }

  @Test
  void differentJobsHaveDifferentKeys() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      String a = jobName(random);
      String b = random.nextInt(4) == 0 ? a : jobName(random);
      assertThat(JobKeys.keyFor(a).equals(JobKeys.keyFor(b)))
          .as("seed %d: %s, %s", seed, a, b)
          .isEqualTo(a.equals(b));
    }
  }

  @Test
  void namesWithOtherCharactersAreRefused() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Random random = new Random(seed);
      char other;
      do {
        other = (char) random.nextInt(0x3000);
      } while (ALLOWED.indexOf(other) >= 0);
      String name = jobName(random) + other;
      assertThatThrownBy(() -> JobKeys.keyFor(name))
          .as("seed %d", seed)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid job name");
    }
  }
}
