package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zfleet.zfs.ZfsNames;

/** Hold tags and properties name exactly one (job, destination) pair. */
class ReplicationMarksTest {

  @Test
  void aDotInEitherNameDoesNotMakeTwoPairsShareACursor() {
    ReplicationMarks first = ReplicationMarks.of("a.b", "c");
    ReplicationMarks second = ReplicationMarks.of("a", "b.c");

    assertThat(first.cursorHoldTag()).isNotEqualTo(second.cursorHoldTag());
    assertThat(first.cursorProperty()).isNotEqualTo(second.cursorProperty());
    assertThat(first.stepHoldTag()).isNotEqualTo(second.stepHoldTag());
    assertThat(first.stepProperty()).isNotEqualTo(second.stepProperty());
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource({
    "push, sink-beta, zfleet_cursor.push.sink-beta",
    "daily, backup_1, zfleet_cursor.daily.backup_1",
    "a.b, c, zfleet_cursor.:3:a.b.c",
    "a, b.c, zfleet_cursor.:1:a.b.c",
  })
  void namesWithoutADotKeepTheFormOperatorsHaveOnDisk(String job, String dest, String tag) {
    assertThat(ReplicationMarks.of(job, dest).cursorHoldTag()).isEqualTo(tag);
  }

  @Test
  void distinctPairsNeverShareAName() {
    List<String> names = names("a.1:_-", 3);
    Map<String, String> tags = new HashMap<>();
    Map<String, String> properties = new HashMap<>();
    for (String job : names) {
      for (String dest : names) {
        ReplicationMarks marks = ReplicationMarks.of(job, dest);
        String pair = job + " + " + dest;
        assertThat(tags.put(marks.cursorHoldTag(), pair)).as(marks.cursorHoldTag()).isNull();
        assertThat(tags.put(marks.stepHoldTag(), pair)).as(marks.stepHoldTag()).isNull();
        assertThat(properties.put(marks.cursorProperty(), pair)).as(pair).isNull();
        assertThat(properties.put(marks.stepProperty(), pair)).as(pair).isNull();
      }
    }
  }

  /** Every name up to {@code length} characters from {@code alphabet} that starts alphanumeric. */
  private static List<String> names(String alphabet, int length) {
    List<String> all = new ArrayList<>();
    List<String> current = List.of("");
    for (int i = 0; i < length; i++) {
      List<String> longer = new ArrayList<>();
      for (String prefix : current) {
        for (char c : alphabet.toCharArray()) {
          longer.add(prefix + c);
        }
      }
      current = longer;
      longer.stream().filter(n -> Character.isLetterOrDigit(n.charAt(0))).forEach(all::add);
    }
    return all;
  }

  @Test
  void everyNameIsAValidTagAndPropertyForTheLongestNames() {
    String longest = "j" + ".x".repeat(31) + "y";
    ReplicationMarks marks = ReplicationMarks.of(longest, longest.toUpperCase());
    assertThat(ZfsNames.holdTagProblem(marks.cursorHoldTag())).isNull();
    assertThat(ZfsNames.holdTagProblem(marks.stepHoldTag())).isNull();
    assertThat(ZfsNames.userPropertyProblem(marks.cursorProperty())).isNull();
    assertThat(ZfsNames.userPropertyProblem(marks.stepProperty())).isNull();
  }

  @Test
  void aCursorWrittenInTheOldFormIsStillFoundUntilTheNewOneExists() {
    ReplicationMarks marks = ReplicationMarks.of("daily.local", "beta");
    String legacyProperty = "zfleet:cursor.daily.local.beta";
    Map<String, String> listed = new HashMap<>(Map.of(legacyProperty, "42"));

    assertThat(marks.listedProperties()).contains(legacyProperty, marks.cursorProperty());
    assertThat(marks.cursorIn(listed)).contains("42");

    listed.put(marks.cursorProperty(), "43");
    assertThat(marks.cursorIn(listed)).contains("43");
    assertThat(ReplicationMarks.of("push", "beta").legacy()).isEmpty();
  }

  @Test
  void retiringReleasesTheLegacyHoldsAndRemovesTheLegacyProperties() {
    ReplicationMarks marks = ReplicationMarks.of("daily.local", "beta");
    var fs = org.zfleet.model.DatasetName.of("pool/fs");
    var a = org.zfleet.model.FilesystemVersion.snapshot("a", 11, 1, java.time.Instant.EPOCH);
    var b = org.zfleet.model.FilesystemVersion.snapshot("b", 12, 2, java.time.Instant.EPOCH);
    List<String> calls = new ArrayList<>();
    org.zfleet.endpoint.Sender sender = recording(calls);

    marks.retireLegacy(
        sender,
        fs,
        Map.of("zfleet:cursor.daily.local.beta", "11", "zfleet:step.daily.local.beta", "a,b"),
        List.of(a, b));

    assertThat(calls)
        .containsExactly(
            "release pool/fs@a zfleet_cursor.daily.local.beta",
            "inherit pool/fs zfleet:cursor.daily.local.beta",
            "release pool/fs@a zfleet_step.daily.local.beta",
            "release pool/fs@b zfleet_step.daily.local.beta",
            "inherit pool/fs zfleet:step.daily.local.beta");
  }

  private static org.zfleet.endpoint.Sender recording(List<String> calls) {
    return (org.zfleet.endpoint.Sender)
        java.lang.reflect.Proxy.newProxyInstance(
            ReplicationMarksTest.class.getClassLoader(),
            new Class<?>[] {org.zfleet.endpoint.Sender.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "release" -> calls.add("release " + args[0] + " " + args[1]);
                case "inheritUserProperty" -> calls.add("inherit " + args[0] + " " + args[1]);
                default -> throw new AssertionError("unexpected " + method.getName());
              }
              return null;
            });
  }
}
