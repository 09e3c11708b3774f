package org.zfleet.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
