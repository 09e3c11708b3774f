package org.zfleet.plan;

import java.util.List;

/**
 * Renders a plan as {@code zfleet test plan --json} prints it, on one line: {@code {"result":
 * "up-to-date"|"steps"|"conflict", "steps": [{"from": NAME or null, "to": NAME, "flag":
 * "-i"|"-I"|"full"}], "reason": TEXT or null}}. Names are relative ({@code @snap}, {@code
 * #bookmark}).
 */
public final class PlanJson {

  private PlanJson() {}

  public static String render(Plan plan) {
    String result;
    List<Step> steps = List.of();
    String reason = null;
    if (plan instanceof Plan.UpToDate) {
      result = "up-to-date";
    } else if (plan instanceof Plan.Steps withSteps) {
      result = "steps";
      steps = withSteps.steps();
    } else if (plan instanceof Plan.Conflict conflict) {
      result = "conflict";
      reason = conflict.message();
    } else {
      throw new IllegalArgumentException("unknown plan " + plan);
    }
    StringBuilder json = new StringBuilder();
    json.append("{\"result\": ").append(string(result)).append(", \"steps\": [");
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (i > 0) {
        json.append(", ");
      }
      json.append("{\"from\": ")
          .append(step.from().map(v -> string(v.relativeName())).orElse("null"))
          .append(", \"to\": ")
          .append(string(step.to().relativeName()))
          .append(", \"flag\": ")
          .append(string(step.flag().cli()))
          .append('}');
    }
    json.append("], \"reason\": ").append(reason == null ? "null" : string(reason)).append('}');
    return json.toString();
  }

  /** A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped. */
  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // U+2028/2029 are valid JSON but break JavaScript readers of the output.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
