package org.zfleet.config;

import java.util.List;
import java.util.Objects;

/** The outcome of converting a zrepl configuration: zfleet HOCON with notes, or why not. */
public sealed interface ZreplConversion {

  /**
   * The equivalent zfleet configuration; {@code notes} lists each zrepl setting that was not
   * carried over and why (each also appears as a comment in {@code hocon}).
   */
  record Converted(String hocon, List<Note> notes) implements ZreplConversion {
    public Converted {
      Objects.requireNonNull(hocon, "hocon");
      notes = List.copyOf(notes);
    }
  }

  /** The input is not a zrepl configuration that can be read (bad YAML, no jobs, …). */
  record Failed(String message) implements ZreplConversion {
    public Failed {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A setting at {@code where} (a zrepl key path such as {@code jobs[0].connect}) and what became
   * of it.
   */
  record Note(String where, String message) {
    @Override
    public String toString() {
      return where + ": " + message;
    }
  }
}
