package org.zfleet.config;

import java.util.Objects;

/**
 * One problem found in a configuration file, located by file, line and key path (relative to {@code
 * zfleet}, e.g. {@code jobs[0].pruning.keep-receiver[0].grid}).
 *
 * @param line the 1-based line, or 0 when the problem has no line (e.g. an unreadable file)
 * @param path the key path, or empty when the problem concerns the whole file
 */
public record ConfigProblem(Severity severity, String file, int line, String path, String message) {

  /** Errors stop the configuration from being used; warnings are printed and tolerated. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public ConfigProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    if (line < 0) {
      line = 0;
    }
  }

  public static ConfigProblem error(String file, int line, String path, String message) {
    return new ConfigProblem(Severity.ERROR, file, line, path, message);
  }

  public static ConfigProblem warning(String file, int line, String path, String message) {
    return new ConfigProblem(Severity.WARNING, file, line, path, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * {@code file:line: path: message} for errors and {@code file:line: warning: path: message} for
   * warnings, the way compilers print them, so editors can jump to the line.
   */
  public String format() {
    StringBuilder out = new StringBuilder(file);
    if (line > 0) {
      out.append(':').append(line);
    }
    out.append(": ");
    if (severity == Severity.WARNING) {
      out.append("warning: ");
    }
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
