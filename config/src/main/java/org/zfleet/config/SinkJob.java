package org.zfleet.config;

import java.util.List;
import java.util.Objects;
import org.zfleet.model.DatasetName;

/**
 * Receives what the push jobs of its clients send, each client's filesystems below {@code
 * rootFs/<client node>}.
 */
public record SinkJob(String name, DatasetName rootFs, List<String> clients) implements JobConfig {

  public SinkJob {
    JobConfig.checkName("job", name);
    Objects.requireNonNull(rootFs, "rootFs");
    clients = List.copyOf(clients);
    if (clients.isEmpty()) {
      throw new IllegalArgumentException("a sink job needs at least one client");
    }
    clients.forEach(c -> JobConfig.checkName("client node", c));
  }

  @Override
  public Type type() {
    return Type.SINK;
  }
}
