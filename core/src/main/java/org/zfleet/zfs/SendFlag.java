package org.zfleet.zfs;

/**
 * A {@code zfs send} option that changes the stream's form, not what it carries; each needs OpenZFS
 * (zfs-fuse has none). Named as zrepl's {@code send} options are.
 */
public enum SendFlag {
  /** {@code -c}: blocks stay compressed as they are on disk. zrepl: {@code compressed}. */
  COMPRESSED("-c", "compressed"),
  /** {@code -L}: records larger than 128 KiB stay whole. zrepl: {@code large_blocks}. */
  LARGE_BLOCKS("-L", "large_blocks"),
  /** {@code -e}: blocks embedded in block pointers stay embedded. zrepl: {@code embedded_data}. */
  EMBEDDED_DATA("-e", "embedded_data"),
  /**
   * {@code -w}: the blocks as they are on disk, encrypted ones still encrypted: the receiver never
   * needs the key. zrepl: {@code raw}.
   */
  RAW("-w", "raw");

  private final String option;
  private final String zreplName;

  SendFlag(String option, String zreplName) {
    this.option = option;
    this.zreplName = zreplName;
  }

  /** The {@code zfs send} option. */
  public String option() {
    return option;
  }

  /** The key of zrepl's {@code send} section. */
  public String zreplName() {
    return zreplName;
  }
}
