package org.zfleet.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads one HOCON object into typed values, reporting each wrong value with its file, line and key
 * path instead of throwing, so that one pass finds every mistake. Keys are read from the object's
 * own entries, never as HOCON paths, so names with dots, spaces or {@code <} are literal.
 */
final class ObjectReader {

  /** One element of a list, with its own path and line. */
  record Element(ConfigValue value, String path, Location location) {}

  private final ConfigObject object;
  private final String path;
  private final Location location;
  private final Problems problems;

  ObjectReader(ConfigObject object, String path, Location location, Problems problems) {
    this.object = object;
    this.path = path;
    this.location = Location.of(object.origin(), location);
    this.problems = problems;
  }

  /** A reader for {@code value} if it is an object, else an error and empty. */
  static Optional<ObjectReader> of(ConfigValue value, String path, Location at, Problems problems) {
    if (value.valueType() != ConfigValueType.OBJECT) {
      problems.error(
          Location.of(value.origin(), at),
          path,
          "expected an object { … }, got " + ConfigMessages.describe(value));
      return Optional.empty();
    }
    return Optional.of(new ObjectReader((ConfigObject) value, path, at, problems));
  }

  String path() {
    return path;
  }

  Location location() {
    return location;
  }

  Problems problems() {
    return problems;
  }

  String pathOf(String key) {
    return path.isEmpty() ? Values.quoteKey(key) : path + "." + Values.quoteKey(key);
  }

  /** The line of {@code key}'s value, or of this object when the key is absent. */
  Location locationOf(String key) {
    ConfigValue value = object.get(key);
    return value == null ? location : Location.of(value.origin(), location);
  }

  /** The value of {@code key}; null if absent or null. */
  ConfigValue value(String key) {
    ConfigValue value = object.get(key);
    return value == null || value.valueType() == ConfigValueType.NULL ? null : value;
  }

  boolean has(String key) {
    return value(key) != null;
  }

  /** True if {@code key} is written and set to {@code null}. */
  boolean isNull(String key) {
    ConfigValue value = object.get(key);
    return value != null && value.valueType() == ConfigValueType.NULL;
  }

  /** The object's entries in the order they appear in the file. */
  Map<String, ConfigValue> entriesInFileOrder() {
    List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(object.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, ConfigValue>>comparingInt(
                e -> e.getValue().origin().lineNumber())
            .thenComparing(Map.Entry::getKey));
    Map<String, ConfigValue> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  void error(String key, String message) {
    problems.error(locationOf(key), pathOf(key), message);
  }

  void warning(String key, String message) {
    problems.warning(locationOf(key), pathOf(key), message);
  }

  void errorHere(String message) {
    problems.error(location, path, message);
  }

  /** Reports {@code key} as missing and returns empty. */
  <T> Optional<T> missing(String key, String what) {
    problems.error(location, pathOf(key), "is missing: " + what);
    return Optional.empty();
  }

  Optional<String> string(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    return switch (value.valueType()) {
      case STRING, NUMBER, BOOLEAN -> Optional.of(String.valueOf(value.unwrapped()));
      default -> wrongType(key, "a string", value);
    };
  }

  Optional<String> requiredString(String key, String what) {
    return has(key) ? string(key) : missing(key, what);
  }

  /** A whole number of at least {@code min}. */
  Optional<Integer> integer(String key, int min) {
    ConfigValue value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    Object raw = value.unwrapped();
    long number;
    if (raw instanceof Integer || raw instanceof Long) {
      number = ((Number) raw).longValue();
    } else if (raw instanceof String s && s.trim().matches("-?\\d{1,12}")) {
      number = Long.parseLong(s.trim());
    } else if (raw instanceof Number n) {
      error(key, "expected a whole number, got " + n);
      return Optional.empty();
    } else {
      return wrongType(key, "a whole number", value);
    }
    if (number < min) {
      error(key, "must be at least " + min + ", got " + number);
      return Optional.empty();
    }
    if (number > Integer.MAX_VALUE) {
      error(key, "is too large: " + number);
      return Optional.empty();
    }
    return Optional.of((int) number);
  }

  Optional<Boolean> bool(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value.valueType() == ConfigValueType.BOOLEAN) {
      return Optional.of((Boolean) value.unwrapped());
    }
    if (value.valueType() == ConfigValueType.STRING) {
      switch (((String) value.unwrapped()).trim()) {
        case "true", "yes", "on":
          return Optional.of(true);
        case "false", "no", "off":
          return Optional.of(false);
        default:
          break;
      }
    }
    return wrongType(key, "true or false", value);
  }

  /** A positive duration with a unit, e.g. {@code 10m}. */
  Optional<Duration> duration(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value.valueType() == ConfigValueType.NUMBER) {
      error(
          key,
          "a duration needs a unit, e.g. " + value.unwrapped() + "s or " + value.unwrapped() + "m");
      return Optional.empty();
    }
    if (value.valueType() != ConfigValueType.STRING) {
      return wrongType(key, "a duration such as 10m", value);
    }
    return parse(key, (String) value.unwrapped(), Values::parseDuration);
  }

  /** Parses the string value of {@code key}; a parse failure is reported with its message. */
  <T> Optional<T> parsed(String key, Function<String, T> parser) {
    return string(key).flatMap(text -> parse(key, text, parser));
  }

  private <T> Optional<T> parse(String key, String text, Function<String, T> parser) {
    try {
      return Optional.ofNullable(parser.apply(text));
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return Optional.empty();
    }
  }

  /** One of {@code choices} (by configuration name), with a did-you-mean for a near miss. */
  <E> Optional<E> choice(String key, Map<String, E> choices) {
    return string(key)
        .flatMap(
            text -> {
              E choice = choices.get(text);
              if (choice != null) {
                return Optional.of(choice);
              }
              error(key, ConfigMessages.unknownValue(text, choices.keySet()));
              return Optional.empty();
            });
  }

  Optional<ObjectReader> object(String key) {
    ConfigValue value = value(key);
    return value == null ? Optional.empty() : of(value, pathOf(key), locationOf(key), problems);
  }

  Optional<List<Element>> list(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value.valueType() != ConfigValueType.LIST) {
      return wrongType(key, "a list [ … ]", value);
    }
    List<Element> out = new ArrayList<>();
    ConfigList list = (ConfigList) value;
    Location listAt = locationOf(key);
    for (int i = 0; i < list.size(); i++) {
      ConfigValue element = list.get(i);
      out.add(
          new Element(element, pathOf(key) + "[" + i + "]", Location.of(element.origin(), listAt)));
    }
    return Optional.of(out);
  }

  /** A list of strings; a single string where a list belongs is reported. */
  Optional<List<String>> stringList(String key) {
    Optional<List<Element>> elements = list(key);
    if (elements.isEmpty()) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (Element e : elements.get()) {
      switch (e.value().valueType()) {
        case STRING, NUMBER -> out.add(String.valueOf(e.value().unwrapped()));
        default -> {
          problems.error(
              e.location(),
              e.path(),
              "expected a string, got " + ConfigMessages.describe(e.value()));
          ok = false;
        }
      }
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /**
   * Reports every key not in {@code allowed}, suggesting the nearest allowed key, or using {@code
   * elsewhere} to say where a key that is valid in another context belongs.
   */
  void rejectUnknownKeys(Collection<String> allowed, Function<String, Optional<String>> elsewhere) {
    for (String key : entriesInFileOrder().keySet()) {
      if (!allowed.contains(key)) {
        error(key, ConfigMessages.unknownKey(key, allowed, elsewhere));
      }
    }
  }

  void rejectUnknownKeys(Collection<String> allowed) {
    rejectUnknownKeys(allowed, k -> Optional.empty());
  }

  private <T> Optional<T> wrongType(String key, String expected, ConfigValue value) {
    error(key, "expected " + expected + ", got " + ConfigMessages.describe(value));
    return Optional.empty();
  }
}
