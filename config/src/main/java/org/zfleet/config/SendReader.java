package org.zfleet.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a sending job's {@code send} section into {@link SendOptions}. */
final class SendReader {

  private SendReader() {}

  /**
   * {@code send { compressed, large-blocks, embedded-data, raw }}: the first three off when absent,
   * {@code raw} {@code auto}, {@code on} (or true) or {@code off} (or false), {@code auto} when
   * absent.
   */
  static Optional<SendOptions> send(ObjectReader job) {
    if (!job.has("send")) {
      return Optional.of(SendOptions.NONE);
    }
    Optional<ObjectReader> section = job.object("send");
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ObjectReader send = section.get();
    int errorsBefore = send.problems().errorCount();
    send.rejectUnknownKeys(SendOptions.KEYS);
    List<Boolean> on = new ArrayList<>();
    for (String key : SendOptions.KEYS.subList(0, 3)) {
      on.add(send.bool(key).orElse(false));
    }
    SendOptions.Raw raw = raw(send);
    if (send.problems().errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(new SendOptions(on.get(0), on.get(1), on.get(2), raw));
  }

  private static SendOptions.Raw raw(ObjectReader send) {
    if (!send.has("raw")) {
      return SendOptions.Raw.AUTO;
    }
    Optional<String> text = send.string("raw");
    if (text.isEmpty()) {
      return SendOptions.Raw.AUTO; // reported
    }
    switch (text.get().trim()) {
      case "auto":
        return SendOptions.Raw.AUTO;
      case "on", "true", "yes":
        return SendOptions.Raw.ON;
      case "off", "false", "no":
        return SendOptions.Raw.OFF;
      default:
        send.error(
            "raw",
            "must be auto (raw for encrypted filesystems), on or off, got \"" + text.get() + "\"");
        return SendOptions.Raw.AUTO;
    }
  }
}
