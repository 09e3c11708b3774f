package org.zfleet.zfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a ZFS send stream's records as the bytes go by, so that a stream zfleet did not ask for is
 * refused before {@code zfs receive} sees it. Every record is a 312-byte header (type, payload
 * length, then the record) and a payload whose length depends on the record type; the inspector
 * keeps no more than one header.
 *
 * <p>It accepts what zfleet's own sends produce: one dataset's full, {@code -i} or {@code -I}
 * stream, the last a compound stream (a BEGIN of header type COMPOUNDSTREAM without payload, an
 * END, then one substream per snapshot, then a final END). It refuses a compound header with a
 * payload: that payload is the property and dataset list of {@code zfs send -p} or {@code -R},
 * through which a stream sets mountpoints, {@code setuid} and the like on the receiving node. It
 * refuses substreams of another dataset than the first (a compound stream received into {@code
 * pool/x} puts the substream of {@code a/b} into {@code pool/x/b}), clone streams, redacted
 * streams, and anything it cannot parse. A raw (encrypted, {@code send -w}) substream is accepted:
 * its BEGIN payload carries the dataset's wrapped keys and encryption parameters, never properties
 * (those travel only in a compound header, refused above), and what it makes can be neither read
 * nor mounted without the sender's key. The layout is OpenZFS's {@code zfs_ioctl.h} (zfs-fuse
 * writes the same records, without the newer fields, which are then zero); {@link SendRecordHeader}
 * reads the fields that do not decide what is accepted.
 */
public final class SendStreamInspector {

  /** The size of every record header. */
  static final int RECORD = 312;

  static final long MAGIC = 0x2F5BACBACL;

  static final int BEGIN = 0;
  static final int END = 5;

  static final int SUBSTREAM = 1;
  static final int COMPOUNDSTREAM = 2;

  static final long FEATURE_REDACTED = 1L << 21;
  static final long FEATURE_LONGNAME = 1L << 28;
  static final int FLAG_CLONE = 1;

  /** A BEGIN payload (a resume point, for instance) larger than this is not one zfleet sends. */
  static final int MAX_BEGIN_PAYLOAD = 1024 * 1024;

  /** What the stream is, known once its first dataset's BEGIN has been read. */
  public record StreamStart(
      boolean compound, String dataset, String snapshot, long fromGuid, long toGuid) {

    public boolean incremental() {
      return fromGuid != 0;
    }
  }

  /** The stream is not one zfleet accepts; the message says why. */
  public static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private enum State {
    FIRST,
    AFTER_COMPOUND_HEADER,
    EXPECT_SUBSTREAM,
    IN_SUBSTREAM,
    DONE
  }

  private final byte[] header = new byte[RECORD];
  private int filled;
  private long payloadLeft;
  private ByteOrder order;
  private State state = State.FIRST;
  private StreamStart start;
  private long offset;

  /** The stream's start, once the first dataset's BEGIN has been read; null before. */
  public StreamStart start() {
    return start;
  }

  /** True once the stream's final END has been read. */
  public boolean done() {
    return state == State.DONE;
  }

  /**
   * Reads {@code len} bytes and writes to {@code out} what may go on to {@code zfs receive}: every
   * payload byte at once, every record header once it is complete and has been checked. Throws once
   * the stream shows something zfleet refuses; nothing of the offending record has been written by
   * then.
   */
  public void inspect(byte[] b, int off, int len, OutputStream out) throws Refused, IOException {
    // What has passed is written as one run of the caller's bytes, headers and payloads together:
    // a write per record part cost `zfs receive`'s pipe several small writes per 128 KiB record.
    // Only a header split between two calls is written from its own copy.
    int pos = off;
    int end = off + len;
    int run = off;
    while (pos < end) {
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, end - pos);
        pos += n;
        payloadLeft -= n;
        offset += n;
        continue;
      }
      if (state == State.DONE) {
        write(out, b, run, pos);
        throw new Refused("data after the end of the stream (offset " + offset + ")");
      }
      int headerStart = pos;
      boolean inRun = filled == 0;
      int n = Math.min(RECORD - filled, end - pos);
      System.arraycopy(b, pos, header, filled, n);
      filled += n;
      pos += n;
      if (filled < RECORD) {
        write(out, b, run, inRun ? headerStart : run);
        return;
      }
      filled = 0;
      try {
        payloadLeft = record();
      } catch (Refused e) {
        write(out, b, run, inRun ? headerStart : run);
        throw e;
      }
      offset += RECORD;
      if (!inRun) {
        out.write(header, 0, RECORD);
        run = pos;
      }
    }
    write(out, b, run, end);
  }

  private static void write(OutputStream out, byte[] b, int from, int to) throws IOException {
    if (to > from) {
      out.write(b, from, to - from);
    }
  }

  /** Bytes of a record header read but not yet written (an incomplete header at the end). */
  public int heldBack() {
    return filled;
  }

  /** The record in {@link #header}: checks it and returns its payload length. */
  private long record() throws Refused {
    if (state == State.FIRST) {
      order = SendRecordHeader.byteOrder(header);
    }
    ByteBuffer r = ByteBuffer.wrap(header).order(order);
    int type = r.getInt(0);
    long payload = Integer.toUnsignedLong(r.getInt(4));
    switch (type) {
      case BEGIN:
        begin(r, payload);
        return payload;
      case END:
        end();
        return 0;
      default:
        if (state != State.IN_SUBSTREAM) {
          throw new Refused("record type " + type + " outside a substream at offset " + offset);
        }
        return SendRecordHeader.dataPayload(r, type, offset);
    }
  }

  private void begin(ByteBuffer r, long payload) throws Refused {
    if (r.getLong(8) != MAGIC) {
      throw new Refused("BEGIN record without the stream magic at offset " + offset);
    }
    long versionInfo = r.getLong(16);
    int headerType = (int) (versionInfo & 0x3);
    long features = versionInfo >>> 2;
    int flags = r.getInt(36);
    long toGuid = r.getLong(40);
    long fromGuid = r.getLong(48);
    String toName = SendRecordHeader.toName(header);
    int at = toName.indexOf('@');
    if (at <= 0 || at == toName.length() - 1) {
      throw new Refused("BEGIN record names no snapshot (\"" + toName + "\")");
    }
    String dataset = toName.substring(0, at);
    if (state == State.FIRST && headerType == COMPOUNDSTREAM) {
      if (payload != 0) {
        throw new Refused(
            "the stream carries properties or several datasets (zfs send -p or -R): a "
                + payload
                + "-byte list in its header");
      }
      start = null;
      state = State.AFTER_COMPOUND_HEADER;
      compoundDataset = dataset;
      return;
    }
    if (headerType != SUBSTREAM) {
      throw new Refused("BEGIN record of header type " + headerType + " at offset " + offset);
    }
    if (state != State.FIRST && state != State.EXPECT_SUBSTREAM) {
      throw new Refused("a second BEGIN record where none belongs, at offset " + offset);
    }
    if ((features & FEATURE_REDACTED) != 0) {
      throw new Refused("a redacted stream: zfleet sends none");
    }
    if ((features & FEATURE_LONGNAME) != 0) {
      throw new Refused("a stream of a dataset with long names: zfleet sends none");
    }
    if ((flags & FLAG_CLONE) != 0) {
      throw new Refused("a clone stream: zfleet sends none");
    }
    if (payload > MAX_BEGIN_PAYLOAD) {
      throw new Refused("a BEGIN record with a " + payload + "-byte payload");
    }
    String first = start != null ? start.dataset() : compoundDataset;
    if (first != null && !first.equals(dataset)) {
      throw new Refused(
          "a substream of dataset " + dataset + " in a stream of " + first + ": one dataset only");
    }
    if (start == null) {
      start =
          new StreamStart(
              compoundDataset != null, dataset, toName.substring(at + 1), fromGuid, toGuid);
    }
    state = State.IN_SUBSTREAM;
  }

  private String compoundDataset;

  private void end() throws Refused {
    switch (state) {
      case AFTER_COMPOUND_HEADER -> state = State.EXPECT_SUBSTREAM;
      case IN_SUBSTREAM -> state = compoundDataset == null ? State.DONE : State.EXPECT_SUBSTREAM;
      case EXPECT_SUBSTREAM -> {
        if (start == null) {
          throw new Refused("a compound stream without a substream");
        }
        state = State.DONE;
      }
      default -> throw new Refused("an END record where none belongs, at offset " + offset);
    }
  }
}
