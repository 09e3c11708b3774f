package org.zfleet.node.daemon;

import java.util.List;
import org.zfleet.config.JobConfig;

/** What a node reads from its job list: its jobs by kind. */
final class ConfiguredJobs {

  private ConfiguredJobs() {}

  /** The jobs of one kind, in configuration order. */
  static <T> List<T> of(List<JobConfig> jobs, Class<T> type) {
    return jobs.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
