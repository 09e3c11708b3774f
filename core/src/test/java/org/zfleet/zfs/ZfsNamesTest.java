package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What may reach a zfs command line besides dataset names. */
class ZfsNamesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"zfleet:job", "com.example:last-sent", "a:b:c", "m_1:k.2-x"})
  void acceptsUserPropertyNames(String name) {
    assertThat(ZfsNames.userPropertyProblem(name)).isNull();
    assertThat(ZfsNames.propertyProblem(name)).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nocolon | colon",
        ":key | colon",
        "module: | colon",
        "-m:k | option",
        "Zfleet:x | not allowed",
        "zfleet:a=b | not allowed",
        "zfleet:a b | not allowed"
      })
  void refusesUserPropertyNames(String name, String problem) {
    assertThat(ZfsNames.userPropertyProblem(name)).contains(problem);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mountpoint", "canmount", "atime", "readonly", "zfleet:x"})
  void acceptsNativeAndUserPropertyNames(String name) {
    assertThat(ZfsNames.propertyProblem(name)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"zfleet_last_received", "keep", "job:a.b-c", "0"})
  void acceptsHoldTags(String tag) {
    assertThat(ZfsNames.holdTagProblem(tag)).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "-f | begins with",
        ".x | begins with",
        "a b | not allowed",
        "t@g | not allowed",
        "t/g | not allowed"
      })
  void refusesHoldTags(String tag, String problem) {
    assertThat(ZfsNames.holdTagProblem(tag)).contains(problem);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"p/fs", "p/a b@s 1", "p/a:b.c-d@x:y"})
  void acceptsDatasetAndSnapshotNames(String name) {
    assertThat(ZfsNames.requireDatasetOrSnapshot(name)).isEqualTo(name);
  }
}
