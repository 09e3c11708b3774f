package org.zfleet.node.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.zfleet.cycle.FilesystemCycle;
import org.zfleet.cycle.StepSpec;
import org.zfleet.model.DatasetName;
import org.zfleet.plan.Plan;
import org.zfleet.plan.PlanJson;
import org.zfleet.plan.Step;
import org.zfleet.prune.KeepReason;
import org.zfleet.prune.PruneOutcome;
import org.zfleet.prune.SnapshotDecision;

/**
 * What the planner returned for a job, as {@code zfleet test plan} and {@code zfleet test prune}
 * print it: from a plan made by the command itself, or the running daemon's last plan (which sees
 * sinks and sources on other nodes). One renderer for both, so either prints exactly what the
 * planner returned.
 */
public final class PlanReport {

  /** Which part of the plan. */
  public enum View {
    PLAN,
    PRUNE_SENDER,
    PRUNE_RECEIVER
  }

  /** The printed lines, and whether they show a problem (a conflict, a wait, a refusal). */
  public record Output(String text, boolean problem) {}

  private static final ObjectMapper MAPPER = Json.mapper();

  private PlanReport() {}

  /** Renders {@code view} of each filesystem's cycle, in the order of the map (by name). */
  public static Output render(Map<DatasetName, FilesystemCycle> cycles, View view, boolean json) {
    return render(cycles, view, json, StepSpec.Wait::reason);
  }

  /**
   * As {@link #render(Map, View, boolean)}, with {@code why} saying why a destination could not be
   * planned (a local dry run names a sink on another node, which its listing cannot reach).
   */
  public static Output render(
      Map<DatasetName, FilesystemCycle> cycles,
      View view,
      boolean json,
      Function<StepSpec.Wait, String> why) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    boolean problem = false;
    for (var cycle : cycles.entrySet()) {
      String fs = cycle.getKey().value();
      for (StepSpec step : cycle.getValue().steps()) {
        if (view == View.PLAN && step instanceof StepSpec.Replicate r) {
          Plan plan = r.plan().plan();
          problem |= plan instanceof Plan.Conflict;
          if (plan instanceof Plan.UpToDate && r.plan().newestSnapshot().isEmpty()) {
            nothingYet(out, fs, r.destination(), json);
          } else {
            plan(out, fs, r.destination(), plan, json);
          }
        } else if (view == View.PLAN && step instanceof StepSpec.Wait w) {
          problem = true;
          unavailable(out, fs, w.destination(), why.apply(w), json);
        } else if (view == View.PRUNE_SENDER && step instanceof StepSpec.PruneSender p) {
          problem |= !prune(out, p.filesystem().value(), p.outcome(), json);
        } else if (view == View.PRUNE_RECEIVER && step instanceof StepSpec.PruneReceiver p) {
          problem |= !prune(out, p.filesystem().value(), p.outcome(), json);
        }
      }
    }
    out.flush();
    return new Output(text.toString(), problem);
  }

  /** One plan; {@code fs} null for a plan over version lists. */
  public static void plan(PrintWriter out, String fs, String destination, Plan plan, boolean json) {
    if (json) {
      ObjectNode node = (ObjectNode) read(PlanJson.render(plan));
      if (fs != null) {
        ObjectNode line =
            MAPPER.createObjectNode().put("filesystem", fs).put("destination", destination);
        line.setAll(node);
        node = line;
      }
      out.println(write(node));
      return;
    }
    if (fs != null) {
      out.println(fs + " -> " + destination);
    }
    if (plan instanceof Plan.UpToDate) {
      out.println("  up to date");
    } else if (plan instanceof Plan.Conflict c) {
      out.println("  conflict: " + c.message() + " (nothing is changed)");
    } else {
      for (Step s : ((Plan.Steps) plan).steps()) {
        out.println("  " + s);
      }
    }
  }

  private static void nothingYet(PrintWriter out, String fs, String destination, boolean json) {
    if (json) {
      ObjectNode line =
          MAPPER
              .createObjectNode()
              .put("filesystem", fs)
              .put("destination", destination)
              .put("result", "up-to-date")
              .putNull("reason");
      line.putArray("steps");
      out.println(write(line));
    } else {
      out.println(
          fs + " -> " + destination + "\n  nothing to send yet: the filesystem has no snapshot");
    }
  }

  private static void unavailable(
      PrintWriter out, String fs, String destination, String reason, boolean json) {
    if (json) {
      out.println(
          write(
              MAPPER
                  .createObjectNode()
                  .put("filesystem", fs)
                  .put("destination", destination)
                  .put("result", "unavailable")
                  .put("reason", reason)));
    } else {
      out.println(fs + " -> " + destination + "\n  unavailable: " + reason);
    }
  }

  /** One filesystem's pruning verdicts; false if pruning refused to judge. */
  public static boolean prune(
      PrintWriter out, String filesystem, PruneOutcome outcome, boolean json) {
    if (outcome instanceof PruneOutcome.Refused refused) {
      if (json) {
        out.println(
            write(
                MAPPER
                    .createObjectNode()
                    .put("filesystem", filesystem)
                    .put("action", "refused")
                    .put("reason", refused.message())));
      } else {
        out.println(filesystem + ": " + refused.message() + " (nothing is destroyed)");
      }
      return false;
    }
    List<SnapshotDecision> decisions = ((PruneOutcome.Evaluated) outcome).decisions();
    if (!json) {
      out.println(filesystem);
    }
    for (SnapshotDecision d : decisions) {
      String action = d instanceof SnapshotDecision.Keep ? "keep" : "destroy";
      String reason =
          d instanceof SnapshotDecision.Keep keep
              ? keep.reasons().stream().map(KeepReason::describe).collect(Collectors.joining("; "))
              : "no rule keeps it";
      if (json) {
        out.println(
            write(
                MAPPER
                    .createObjectNode()
                    .put("filesystem", filesystem)
                    .put("snapshot", d.version().name())
                    .put("action", action)
                    .put("reason", reason)));
      } else {
        out.printf("  %-8s %s  %s%n", action, d.version().name(), reason);
      }
    }
    return true;
  }

  private static com.fasterxml.jackson.databind.JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String write(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
