package org.zfleet.zfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Reads the base guid from the first record of a ZFS send stream (DRR_BEGIN): type and payload
 * length (4 + 4 bytes), magic (8), version info (8), creation time (8), object set type and flags
 * (4 + 4), to-guid (8) and from-guid (8), in the byte order of the sender, recognised by the magic.
 */
final class SendStreamHeader {

  /** Bytes needed to read the from-guid. */
  static final int LENGTH = 56;

  private static final long MAGIC = 0x2F5BACBACL;

  private SendStreamHeader() {}

  /** The from-guid (0 for a full stream), or empty if this is not a ZFS stream's beginning. */
  static OptionalLong fromGuid(byte[] header) {
    if (header.length < LENGTH) {
      return OptionalLong.empty();
    }
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      ByteBuffer b = ByteBuffer.wrap(header).order(order);
      if (b.getInt(0) == 0 && b.getLong(8) == MAGIC) {
        return OptionalLong.of(b.getLong(48));
      }
    }
    return OptionalLong.empty();
  }
}
