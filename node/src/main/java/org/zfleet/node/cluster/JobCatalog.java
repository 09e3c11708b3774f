package org.zfleet.node.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a {@link JobDirectory} knows, without the actor around it: jobs offered on this node,
 * Receptionist listings of jobs looked up, and which jobs peer nodes say they offer. Endpoints
 * ({@code E}) and peer directories ({@code P}) are opaque here.
 */
final class JobCatalog<E, P> {

  /** The outcome of a lookup: reachable endpoints, or why there are none. */
  record Lookup<E>(
      String job, List<E> endpoints, boolean offeredByUnreachableNodes, List<String> knownJobs) {}

  private record Listed<E>(Set<E> reachable, int all) {}

  private final Map<String, E> local = new TreeMap<>();
  private final Map<String, Listed<E>> listed = new HashMap<>();
  private final Map<P, List<String>> peerOffers = new LinkedHashMap<>();
  private Set<P> reachablePeers = Set.of();

  /** Offers {@code endpoint} here as {@code job}; returns the endpoint it replaces, or null. */
  E offer(String job, E endpoint) {
    return local.put(job, endpoint);
  }

  /** Withdraws this node's endpoint of {@code job}; returns it, or null if there was none. */
  E withdraw(String job) {
    return local.remove(job);
  }

  /** Withdraws every job {@code endpoint} was offered as; returns those jobs. */
  List<String> withdrawEndpoint(E endpoint) {
    List<String> gone = new ArrayList<>();
    local.forEach(
        (job, offered) -> {
          if (offered.equals(endpoint)) {
            gone.add(job);
          }
        });
    gone.forEach(local::remove);
    return gone;
  }

  List<String> offeredHere() {
    return List.copyOf(local.keySet());
  }

  /** Records the Receptionist's current listing of {@code job}. */
  void listing(String job, Set<E> reachable, int all) {
    listed.put(job, new Listed<>(Set.copyOf(reachable), all));
  }

  /** True if {@code job} can be answered without waiting for a listing. */
  boolean knows(String job) {
    return listed.containsKey(job) || local.containsKey(job);
  }

  /** Records the jobs {@code peer}'s node offers now. */
  void peerOffers(P peer, List<String> jobs) {
    peerOffers.put(peer, List.copyOf(jobs));
  }

  boolean hasOffersFrom(P peer) {
    return peerOffers.containsKey(peer);
  }

  void peerStopped(P peer) {
    peerOffers.remove(peer);
  }

  /** Sets the peers reachable now; returns those that were not reachable before. */
  Set<P> reachablePeers(Set<P> peers) {
    Set<P> newcomers = new HashSet<>(peers);
    newcomers.removeAll(reachablePeers);
    reachablePeers = Set.copyOf(peers);
    return newcomers;
  }

  Set<P> reachablePeers() {
    return reachablePeers;
  }

  Lookup<E> lookup(String job) {
    Set<E> endpoints = new HashSet<>();
    Listed<E> entry = listed.get(job);
    if (entry != null) {
      endpoints.addAll(entry.reachable());
    }
    E here = local.get(job);
    if (here != null) {
      endpoints.add(here);
    }
    List<E> sorted = new ArrayList<>(endpoints);
    sorted.sort(Comparator.comparing(String::valueOf));
    boolean unreachableOnly = sorted.isEmpty() && entry != null && entry.all() > 0;
    return new Lookup<>(job, sorted, unreachableOnly, sorted.isEmpty() ? knownJobs() : List.of());
  }

  /** Reachable endpoints per job looked up or offered here. */
  Map<String, Integer> reachableCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    listed.forEach((job, entry) -> counts.put(job, entry.reachable().size()));
    local.keySet().forEach(job -> counts.merge(job, 1, Math::max));
    return counts;
  }

  /** Jobs offered here, by reachable peers, or seen reachable in a listing. */
  private List<String> knownJobs() {
    Set<String> known = new TreeSet<>(local.keySet());
    peerOffers.forEach(
        (peer, jobs) -> {
          if (reachablePeers.contains(peer)) {
            known.addAll(jobs);
          }
        });
    listed.forEach(
        (job, entry) -> {
          if (!entry.reachable().isEmpty()) {
            known.add(job);
          }
        });
    return List.copyOf(known);
  }
}
