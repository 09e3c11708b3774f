package org.zfleet.config;

import com.typesafe.config.ConfigValue;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * The wording of configuration problems about what was written: a value's type, and an unknown key
 * or value with the nearest known one, so that every reader words them alike.
 */
final class ConfigMessages {

  private ConfigMessages() {}

  /** A value's type, and the value itself when it is short. */
  static String describe(ConfigValue value) {
    return switch (value.valueType()) {
      case STRING -> "string " + Values.quote(truncate((String) value.unwrapped()));
      case NUMBER, BOOLEAN -> Values.typeName(value.valueType()) + " " + value.unwrapped();
      default -> Values.typeName(value.valueType());
    };
  }

  private static String truncate(String text) {
    return text.length() > 40 ? text.substring(0, 37) + "..." : text;
  }

  static String unknownValue(String text, Collection<String> choices) {
    return "unknown value \""
        + text
        + "\""
        + Values.closest(text, choices).map(c -> "; did you mean \"" + c + "\"?").orElse("")
        + " (expected one of: "
        + String.join(", ", choices)
        + ")";
  }

  /**
   * Why {@code key} is not one of {@code allowed}: the nearest allowed key, else where {@code
   * elsewhere} says a key valid in another context belongs, else the allowed keys.
   */
  static String unknownKey(
      String key, Collection<String> allowed, Function<String, Optional<String>> elsewhere) {
    Optional<String> near = Values.closest(key, allowed);
    if (near.isPresent()) {
      return "unknown key; did you mean \"" + near.get() + "\"?";
    }
    return elsewhere
        .apply(key)
        .orElse("unknown key (expected one of: " + String.join(", ", allowed) + ")");
  }
}
