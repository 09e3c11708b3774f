package org.zfleet.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A node's whole, validated configuration: the {@code zfleet} section of its file. */
public record ZfleetConfig(NodeConfig node, List<JobConfig> jobs) {

  public ZfleetConfig {
    Objects.requireNonNull(node, "node");
    jobs = List.copyOf(jobs);
    Set<String> names = new HashSet<>();
    for (JobConfig job : jobs) {
      if (!names.add(job.name())) {
        throw new IllegalArgumentException("two jobs are named \"" + job.name() + "\"");
      }
    }
  }

  /** The job named {@code name}, if this node has one. */
  public Optional<JobConfig> job(String name) {
    return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
  }
}
