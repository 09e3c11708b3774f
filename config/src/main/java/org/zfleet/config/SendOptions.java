package org.zfleet.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The form of the streams a sending job ({@code push}, {@code source}) makes, as zrepl's {@code
 * send} options: each is a {@code zfs send} flag that needs OpenZFS. All off by default, except
 * {@code raw}, which is {@code auto}.
 *
 * @param compressed {@code -c}: blocks travel compressed as they are stored
 * @param largeBlocks {@code -L}: records above 128 KiB stay whole
 * @param embeddedData {@code -e}: blocks embedded in block pointers stay embedded
 * @param raw {@code -w}: blocks as stored, encrypted ones still encrypted (the receiver needs no
 *     key): always, never, or for encrypted filesystems only
 */
public record SendOptions(boolean compressed, boolean largeBlocks, boolean embeddedData, Raw raw) {

  /** When streams are sent raw ({@code zfs send -w}). */
  public enum Raw {
    /** Raw for a filesystem whose {@code encryption} is not {@code off}; plain otherwise. */
    AUTO,
    /** Every stream raw (the ZFS must have {@code send -w}). */
    ON,
    /** Never raw: an encrypted filesystem is sent decrypted, which needs its key loaded. */
    OFF;

    /** As the configuration spells it. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final SendOptions NONE = new SendOptions(false, false, false, Raw.AUTO);

  public SendOptions {
    java.util.Objects.requireNonNull(raw, "raw");
  }

  /** The keys of the {@code send} section in the configuration, in order. */
  public static final List<String> KEYS =
      List.of("compressed", "large-blocks", "embedded-data", "raw");

  /** The configuration keys of the options that are on ({@code raw} when it is {@code on}). */
  public List<String> enabled() {
    List<String> out = new ArrayList<>();
    if (compressed) {
      out.add("compressed");
    }
    if (largeBlocks) {
      out.add("large-blocks");
    }
    if (embeddedData) {
      out.add("embedded-data");
    }
    if (raw == Raw.ON) {
      out.add("raw");
    }
    return out;
  }
}
