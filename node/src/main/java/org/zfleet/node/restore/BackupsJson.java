package org.zfleet.node.restore;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import org.zfleet.restore.Replica;

/**
 * The daemon's answers to {@code zfleet backups list --node} and {@code zfleet restore --node}, as
 * JSON between the daemon and the command line on the same host.
 */
public final class BackupsJson {

  /** The replicas another node's sinks hold of this node, and a line per sink that did not say. */
  public record Listing(String node, List<Replica> replicas, List<String> problems) {
    public Listing {
      replicas = List.copyOf(replicas);
      problems = List.copyOf(problems);
    }
  }

  /**
   * One line of a restore's report: exactly one of {@code line} (for the operator), {@code problem}
   * (a refusal or failure), {@code bytes} with {@code millis} (progress), or {@code ok} (the end).
   */
  public record Event(String line, String problem, Long bytes, Long millis, Long rate, Boolean ok) {
    public static Event line(String text) {
      return new Event(text, null, null, null, null, null);
    }

    public static Event problem(String text) {
      return new Event(null, text, null, null, null, null);
    }

    public static Event progress(long bytes, long millis, long rate) {
      return new Event(null, null, bytes, millis, rate, null);
    }

    public static Event end(boolean ok) {
      return new Event(null, null, null, null, null, ok);
    }
  }

  /** Records travel as their components, never as derived is-methods (isSnapshot). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new Jdk8Module())
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);

  private BackupsJson() {}
}
