package org.zfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code zfleet.job-defaults}: what a job's own sections fall back to, key by key. */
record JobDefaults(
    Replication replication, Pruning.Scope scope, Duration hookTimeout, boolean hookErrIsFatal) {

  /** Reads the merged {@code job-defaults} object; empty if it has errors (already reported). */
  static Optional<JobDefaults> read(ObjectReader defaults) {
    int errorsBefore = defaults.problems().errorCount();
    defaults.rejectUnknownKeys(List.of("replication", "pruning", "hooks"));
    Optional<Replication> replication =
        defaults.object("replication").flatMap(r -> ReplicationReader.read(r, null));
    Optional<Pruning.Scope> scope =
        defaults
            .object("pruning")
            .flatMap(
                p -> {
                  p.rejectUnknownKeys(List.of("scope"));
                  return p.choice("scope", PruningReader.SCOPES);
                });
    Optional<ObjectReader> hooks = defaults.object("hooks");
    Optional<Duration> timeout =
        hooks.flatMap(
            h -> {
              h.rejectUnknownKeys(List.of("timeout", "err-is-fatal"));
              return h.duration("timeout");
            });
    Optional<Boolean> fatal = hooks.flatMap(h -> h.bool("err-is-fatal"));
    if (defaults.problems().errorCount() > errorsBefore
        || replication.isEmpty()
        || scope.isEmpty()
        || timeout.isEmpty()
        || fatal.isEmpty()) {
      if (defaults.problems().errorCount() == errorsBefore) {
        defaults.errorHere(
            "incomplete: replication, pruning.scope, hooks.timeout and hooks.err-is-fatal need values");
      }
      return Optional.empty();
    }
    return Optional.of(new JobDefaults(replication.get(), scope.get(), timeout.get(), fatal.get()));
  }
}
