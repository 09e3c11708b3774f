package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class JobKeysTest {

  @Provide
  Arbitrary<String> jobNames() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withCharRange('0', '9')
        .withChars('_', '-', '.', ':')
        .ofMinLength(1)
        .ofMaxLength(80);
  }

  @Property
  void everyValidJobNameHasAKeyThatNamesIt(@ForAll("jobNames") String job) {
    assertThat(JobKeys.keyFor(job).id()).isEqualTo(JobKeys.PREFIX + job);
  }

  @Property
  void differentJobsHaveDifferentKeys(@ForAll("jobNames") String a, @ForAll("jobNames") String b) {
    assertThat(JobKeys.keyFor(a).equals(JobKeys.keyFor(b))).isEqualTo(a.equals(b));
  }

  @Property
  void namesWithOtherCharactersAreRefused(
      @ForAll("jobNames") String prefix, @ForAll("otherCharacters") char other) {
    assertThatThrownBy(() -> JobKeys.keyFor(prefix + other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid job name");
  }

  @Provide
  Arbitrary<Character> otherCharacters() {
    return Arbitraries.chars()
        .filter(
            c ->
                !(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || "_-.:".indexOf(c) >= 0));
  }
}
