package org.zfleet.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.cycle.Listings.FS;
import static org.zfleet.cycle.Listings.LATER;
import static org.zfleet.cycle.Listings.keep;
import static org.zfleet.cycle.Listings.lastN;
import static org.zfleet.cycle.Listings.push;
import static org.zfleet.cycle.Listings.pushSettings;
import static org.zfleet.cycle.Listings.render;
import static org.zfleet.cycle.Listings.replica;
import static org.zfleet.cycle.Listings.sender;
import static org.zfleet.cycle.Listings.sink;
import static org.zfleet.cycle.Listings.target;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.Plan;
import org.zfleet.plan.Step;

/**
 * A filesystem's state moves on with its own steps: after a replication the cycle plans its pruning
 * from what the replication did, not from the listing that predates it. And the parents a first
 * receive needs: placeholders to create, or a replicated parent to wait for.
 */
class AfterReplicationTest {

  private static final CycleSettings SETTINGS =
      pushSettings(keep(lastN(1)), keep(lastN(2)), "sink");

  private static ReplicationPlan replication(FilesystemCycle cycle) {
    return ((StepSpec.Replicate) cycle.steps().get(0)).plan();
  }

  @Test
  void afterAnIncrementalReplicationPruningJudgesTheNewCursorAndTheReceivedSnapshots() {
    JobListing listing =
        push(
            List.of(sender(FS, "@a @b @c @d", Map.of("sink", "@a"))),
            List.of(sink("sink", Map.of(target(FS), replica(FS, "@a")))));
    FilesystemCycle planned = CyclePlanner.plan(listing, SETTINGS, LATER).get(FS);
    assertThat(render(planned))
        .containsExactly(
            "replicate sink: -I @a @d",
            "prune-sender sender: keep @a @d, destroy @b @c",
            "prune-receiver receiver sink: keep @a");

    Plan.Steps steps = (Plan.Steps) replication(planned).plan();
    FilesystemCycle after =
        planned.after(new ReplicationEffect("sink", steps.steps(), Optional.of(steps.last())));

    assertThat(render(after))
        .containsExactly(
            "replicate sink: up-to-date",
            "prune-sender sender: keep @d, destroy @a @b @c",
            "prune-receiver receiver sink: keep @c @d, destroy @a @b");
  }

  @Test
  void afterAFirstReplicationTheReplicaExistsAndIsPrunedInTheSameCycle() {
    JobListing listing =
        push(List.of(sender(FS, "@a @b", Map.of())), List.of(sink("sink", Map.of())));
    FilesystemCycle planned = CyclePlanner.plan(listing, SETTINGS, LATER).get(FS);
    assertThat(render(planned))
        .containsExactly("replicate sink: full @b", "prune-sender sender: keep @b, destroy @a");
    assertThat(replication(planned).placeholders())
        .containsExactly(DatasetName.of("backup/sink/n1"), DatasetName.of("backup/sink/n1/pool"));

    Step full = ((Plan.Steps) replication(planned).plan()).steps().get(0);
    FilesystemCycle after =
        planned.after(new ReplicationEffect("sink", List.of(full), Optional.of(full.to())));

    assertThat(render(after))
        .containsExactly(
            "replicate sink: up-to-date",
            "prune-sender sender: keep @b, destroy @a",
            "prune-receiver receiver sink: keep @b");
    assertThat(replication(after).placeholders()).as("created by the first receive").isEmpty();
  }

  @Test
  void aChildWhoseParentIsReplicatedToWaitsForItInsteadOfMakingItAPlaceholder() {
    DatasetName parent = DatasetName.of("pool/a");
    DatasetName child = DatasetName.of("pool/a/child");
    JobListing listing =
        push(
            List.of(sender(parent, "@s", Map.of()), sender(child, "@s", Map.of())),
            List.of(sink("sink", Map.of())));
    ReplicationPlan plan = replication(CyclePlanner.plan(listing, SETTINGS, LATER).get(child));
    assertThat(plan.placeholders())
        .containsExactly(DatasetName.of("backup/sink/n1"), DatasetName.of("backup/sink/n1/pool"));
    assertThat(plan.awaitParent()).contains(target(parent));
  }

  @Test
  void aFailedReplicationLeavesTheViewOfTheListing() {
    JobListing listing =
        push(
            List.of(sender(FS, "@a @b", Map.of("sink", "@a"))),
            List.of(sink("sink", Map.of(target(FS), replica(FS, "@a")))));
    FilesystemCycle planned = CyclePlanner.plan(listing, SETTINGS, LATER).get(FS);
    FilesystemCycle nothingDone =
        planned.after(new ReplicationEffect("sink", List.of(), Optional.empty()));
    assertThat(render(nothingDone)).isEqualTo(render(planned));
  }
}
