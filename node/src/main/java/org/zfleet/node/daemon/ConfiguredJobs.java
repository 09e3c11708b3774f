package org.zfleet.node.daemon;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PullJob;
import org.zfleet.config.PushJob;
import org.zfleet.node.remote.EndpointBindings;

/** What a node reads from its job list: jobs by kind, and the nodes its peers are pinned to. */
final class ConfiguredJobs {

  private ConfiguredJobs() {}

  /** The nodes named for sinks and sources in the configuration, by binding key. */
  static Map<String, String> configuredNodes(List<JobConfig> jobs) {
    Map<String, String> named = new HashMap<>();
    for (PushJob push : of(jobs, PushJob.class)) {
      push.sinkNodes()
          .forEach(
              (sink, node) ->
                  named.put(EndpointBindings.key(EndpointBindings.Role.SINK, sink), node));
    }
    for (PullJob pull : of(jobs, PullJob.class)) {
      pull.sourceNode()
          .ifPresent(
              node ->
                  named.put(
                      EndpointBindings.key(EndpointBindings.Role.SOURCE, pull.source()), node));
    }
    return named;
  }

  /** The jobs of one kind, in configuration order. */
  static <T> List<T> of(List<JobConfig> jobs, Class<T> type) {
    return jobs.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
