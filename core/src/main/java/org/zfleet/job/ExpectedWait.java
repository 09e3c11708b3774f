package org.zfleet.job;

/**
 * Marks a step failure that is a wait the operator expects, not an error: a sink that no reachable
 * node offers yet, a parent filesystem whose own first replication has not arrived. Retried after
 * the backoff like any failure, but logged as information rather than as a warning.
 */
public interface ExpectedWait {}
