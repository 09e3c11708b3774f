package org.zfleet.config;

/** Writes indented HOCON text: objects, lists of objects, values and comments, one per line. */
final class HoconWriter {

  private final StringBuilder out = new StringBuilder();
  private int depth;

  HoconWriter comment(String text) {
    for (String line : text.split("\n", -1)) {
      indent().append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }
    return this;
  }

  HoconWriter blank() {
    out.append('\n');
    return this;
  }

  /** {@code key { }} opened. */
  HoconWriter open(String key) {
    indent().append(Values.quoteKey(key)).append(" {\n");
    depth++;
    return this;
  }

  /** {@code key = [} opened. */
  HoconWriter openList(String key) {
    indent().append(Values.quoteKey(key)).append(" = [\n");
    depth++;
    return this;
  }

  /** An object element of the enclosing list, opened. */
  HoconWriter openElement() {
    indent().append("{\n");
    depth++;
    return this;
  }

  HoconWriter close() {
    depth--;
    indent().append("}\n");
    return this;
  }

  HoconWriter closeList() {
    depth--;
    indent().append("]\n");
    return this;
  }

  /** {@code key = "text"}. */
  HoconWriter string(String key, String text) {
    return raw(key, Values.quote(text));
  }

  /** {@code key = value} with the value written as given (a number, boolean or bare word). */
  HoconWriter raw(String key, String value) {
    indent().append(Values.quoteKey(key)).append(" = ").append(value).append('\n');
    return this;
  }

  /** A whole element on one line, e.g. {@code { type = not-replicated }}. */
  HoconWriter element(String inline) {
    indent().append(inline).append('\n');
    return this;
  }

  /** {@code key = ["a", "b"]}. */
  HoconWriter strings(String key, Iterable<String> values) {
    StringBuilder list = new StringBuilder("[");
    for (String value : values) {
      list.append(list.length() > 1 ? ", " : "").append(Values.quote(value));
    }
    return raw(key, list.append(']').toString());
  }

  private StringBuilder indent() {
    return out.append("  ".repeat(depth));
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
