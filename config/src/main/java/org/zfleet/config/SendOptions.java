package org.zfleet.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The form of the streams a sending job ({@code push}, {@code source}) makes, as zrepl's {@code
 * send} options: each is a {@code zfs send} flag that needs OpenZFS. All off by default.
 *
 * @param compressed {@code -c}: blocks travel compressed as they are stored
 * @param largeBlocks {@code -L}: records above 128 KiB stay whole
 * @param embeddedData {@code -e}: blocks embedded in block pointers stay embedded
 * @param raw {@code -w}: blocks as stored, encrypted ones still encrypted (the receiver needs no
 *     key)
 */
public record SendOptions(
    boolean compressed, boolean largeBlocks, boolean embeddedData, boolean raw) {

  public static final SendOptions NONE = new SendOptions(false, false, false, false);

  /** The keys of the {@code send} section in the configuration, in order. */
  public static final List<String> KEYS =
      List.of("compressed", "large-blocks", "embedded-data", "raw");

  /** The configuration keys of the options that are on. */
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
    if (raw) {
      out.add("raw");
    }
    return out;
  }
}
