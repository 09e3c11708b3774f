package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.plan.VersionNotation.sender;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.FilesystemVersion;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StepTest {

  private final List<FilesystemVersion> v = sender("@a", "#a", "@b", "@c");
  private final FilesystemVersion a = v.get(0);
  private final FilesystemVersion bookmarkA = v.get(1);
  private final FilesystemVersion b = v.get(2);
  private final FilesystemVersion c = v.get(3);

  @Test
  void intermediateCannotStartAtABookmark() {
    assertThatThrownBy(() -> Step.intermediate(bookmarkA, c))
        .hasMessageContaining("-I cannot start at the bookmark #a");
    assertThat(Step.incremental(bookmarkA, c).from()).contains(bookmarkA);
  }

  @Test
  void fullHasNoBaseAndIncrementalNeedsOne() {
    assertThatThrownBy(() -> new Step(Optional.of(a), b, Step.Flag.FULL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Step(Optional.empty(), b, Step.Flag.INCREMENTAL))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyAFullStepIsForced() {
    assertThat(Step.fullIntoPlaceholder(a).forceReceive()).isTrue();
    assertThatThrownBy(() -> new Step(Optional.of(a), b, Step.Flag.INCREMENTAL, true))
        .hasMessageContaining("only a full step");
  }

  @Test
  void targetIsANewerSnapshot() {
    assertThatThrownBy(() -> Step.full(bookmarkA)).hasMessageContaining("must send a snapshot");
    assertThatThrownBy(() -> Step.incremental(c, b)).hasMessageContaining("not older");
  }

  @Test
  void stepsMustChain() {
    assertThatThrownBy(() -> new Plan.Steps(List.of(Step.full(a), Step.incremental(b, c))))
        .hasMessageContaining("step 2 (-i @b @c) does not start where step 1 ended (@a)");
    assertThatThrownBy(() -> new Plan.Steps(List.of(Step.full(a), Step.full(b))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Plan.Steps(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Plan.Steps(List.of(Step.full(a), Step.intermediate(a, c))).last()).isEqualTo(c);
  }
}
