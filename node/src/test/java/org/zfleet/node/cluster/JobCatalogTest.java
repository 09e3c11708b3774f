package org.zfleet.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zfleet.node.cluster.JobCatalog.Lookup;

class JobCatalogTest {

  final JobCatalog<String, String> catalog = new JobCatalog<>();

  @Test
  void jobOfferedHereIsFoundWithoutAListing() {
    catalog.offer("sink", "endpoint-here");

    assertThat(catalog.knows("sink")).isTrue();
    assertThat(catalog.lookup("sink"))
        .isEqualTo(new Lookup<>("sink", List.of("endpoint-here"), false, List.of()));
  }

  @Test
  void listedAndLocalEndpointsAreMergedInAStableOrder() {
    catalog.offer("sink", "b-here");
    catalog.listing("sink", Set.of("c-there", "b-here", "a-there"), 3);

    assertThat(catalog.lookup("sink").endpoints()).containsExactly("a-there", "b-here", "c-there");
  }

  @Test
  void jobListedOnlyOnUnreachableNodesSaysSo() {
    catalog.listing("sink", Set.of(), 1);

    Lookup<String> lookup = catalog.lookup("sink");

    assertThat(lookup.endpoints()).isEmpty();
    assertThat(lookup.offeredByUnreachableNodes()).isTrue();
  }

  @Test
  void knownJobsComeFromHereFromReachablePeersAndFromReachableListings() {
    catalog.offer("here", "e1");
    catalog.peerOffers("peer-up", List.of("on-peer-up"));
    catalog.peerOffers("peer-down", List.of("on-peer-down"));
    catalog.reachablePeers(Set.of("peer-up"));
    catalog.listing("listed-reachable", Set.of("e2"), 1);
    catalog.listing("listed-unreachable", Set.of(), 1);

    Lookup<String> lookup = catalog.lookup("missing");

    assertThat(lookup.offeredByUnreachableNodes()).isFalse();
    assertThat(lookup.knownJobs()).containsExactly("here", "listed-reachable", "on-peer-up");
  }

  @Test
  void stoppedPeerNoLongerContributesJobs() {
    catalog.peerOffers("peer", List.of("on-peer"));
    catalog.reachablePeers(Set.of("peer"));
    catalog.peerStopped("peer");

    assertThat(catalog.lookup("missing").knownJobs()).isEmpty();
    assertThat(catalog.hasOffersFrom("peer")).isFalse();
  }

  @Test
  void stoppedEndpointWithdrawsEveryJobItServed() {
    catalog.offer("a", "shared");
    catalog.offer("b", "shared");
    catalog.offer("c", "other");

    assertThat(catalog.withdrawEndpoint("shared")).containsExactly("a", "b");
    assertThat(catalog.offeredHere()).containsExactly("c");
  }

  @Test
  void onlyNewlyReachablePeersAreReported() {
    assertThat(catalog.reachablePeers(Set.of("p1", "p2"))).containsExactlyInAnyOrder("p1", "p2");
    assertThat(catalog.reachablePeers(Set.of("p2", "p3"))).containsExactly("p3");
    assertThat(catalog.reachablePeers(Set.of("p1", "p2", "p3"))).containsExactly("p1");
  }

  @Test
  void reachableCountsCoverLookedUpAndOfferedJobs() {
    catalog.offer("here", "e1");
    catalog.listing("there", Set.of("e2", "e3"), 3);
    catalog.listing("gone", Set.of(), 0);

    assertThat(catalog.reachableCounts()).isEqualTo(Map.of("here", 1, "there", 2, "gone", 0));
  }

  @Test
  void replacingAnOfferReturnsThePreviousEndpoint() {
    catalog.offer("sink", "old");

    assertThat(catalog.offer("sink", "new")).isEqualTo("old");
    assertThat(catalog.withdraw("sink")).isEqualTo("new");
    assertThat(catalog.knows("sink")).isFalse();
  }
}
