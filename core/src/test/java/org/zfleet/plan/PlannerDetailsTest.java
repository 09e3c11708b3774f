package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.zfleet.plan.VersionNotation.guid;
import static org.zfleet.plan.VersionNotation.receiver;
import static org.zfleet.plan.VersionNotation.sender;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.model.FilesystemVersion;

/** What plans tell their readers beyond the step list: conflict messages, caller errors. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PlannerDetailsTest {

  private static final PlanOptions REPLICA = PlanOptions.defaults();
  private static final PlanOptions ABSENT = REPLICA.withReceiverState(ReceiverState.ABSENT);

  private static PlanOptions fail(PlanOptions o) {
    return o.withInitialReplication(InitialReplication.FAIL);
  }

  @Test
  void conflictsNameWhatWasFound() {
    Plan.Conflict diverged =
        (Plan.Conflict) Planner.plan(sender("@a", "@b"), receiver("@a", "@r", "@s"), REPLICA);
    assertThat(diverged.message())
        .isEqualTo(
            "the receiver has snapshots newer than the newest common one: the newest common"
                + " snapshot is @a but the receiver also has 2 newer snapshots (@r, @s) that the"
                + " sender does not have; zfleet destroys nothing (roll the receiver back to @a to"
                + " resume)");

    Plan.Conflict rolledBack =
        (Plan.Conflict)
            Planner.plan(
                sender("@a", "@b", "#zfleet_cursor~b"),
                receiver("@q"),
                REPLICA.withCursor(guid("b")));
    assertThat(rolledBack.message())
        .isEqualTo(
            "no common snapshot: none of the receiver's 1 snapshot (newest @q) is on the sender by"
                + " guid; the replication cursor @b is not on the receiver (was it rolled back, or"
                + " its snapshots destroyed?)");

    Plan.Conflict policy = (Plan.Conflict) Planner.plan(sender("@a"), receiver(), fail(ABSENT));
    assertThat(policy.message()).startsWith("initial replication required but policy is fail: ");
  }

  @Test
  void manyReceiverSnapshotsNewerThanTheBaseAreCountedNotAllListed() {
    Plan.Conflict c =
        (Plan.Conflict)
            Planner.plan(
                sender("@a"),
                receiver("@a", "@r1", "@r2", "@r3", "@r4", "@r5", "@r6", "@r7"),
                REPLICA);
    assertThat(c.detail()).contains("7 newer snapshots (@r1, @r2, @r3, @r4, @r5 and 2 more)");
  }

  @Test
  void absentReceiverWithVersionsIsACallerError() {
    assertThatThrownBy(() -> Planner.plan(sender("@a"), receiver("@a"), ABSENT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent");
  }

  @Test
  void stepsCarryTheSenderVersionsThemselves() {
    List<FilesystemVersion> s = sender("#a", "@b", "@c");
    Plan.Steps steps = (Plan.Steps) Planner.plan(s, receiver("@a"), REPLICA);
    assertThat(steps.steps().get(0).from()).contains(s.get(0));
    assertThat(steps.last()).isEqualTo(s.get(2));
  }
}
