package org.zfleet.job;

import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * Puts a step's job, filesystem, step kind, destination and attempt into the logging MDC while its
 * work runs on the worker thread, so every line the work logs carries them as fields (the JSON log
 * format writes them out; the human format keeps its text).
 */
public final class StepLogContext {

  private StepLogContext() {}

  /** Runs {@code work} with {@code id}'s fields in the MDC and removes them afterwards. */
  public static <T> T around(StepId id, Callable<T> work) throws Exception {
    MDC.put("job", id.job());
    MDC.put("filesystem", id.filesystem());
    MDC.put("step", id.kind().label());
    MDC.put("destination", id.destination());
    MDC.put("attempt", Long.toString(id.attempt()));
    try {
      return work.call();
    } finally {
      MDC.remove("job");
      MDC.remove("filesystem");
      MDC.remove("step");
      MDC.remove("destination");
      MDC.remove("attempt");
    }
  }
}
