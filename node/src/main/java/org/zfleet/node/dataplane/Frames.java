package org.zfleet.node.dataplane;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.zfleet.model.DatasetName;

/**
 * The data-plane wire format. Every frame is a 4-byte big-endian length and that many bytes.
 *
 * <pre>
 * client: header frame  = "ZFDP" u8:version u8:kind u8:flags utf:job utf:target utf:step
 *                         (at most 64 KiB; flags bit 0: force, the others must be 0)
 *         data frames   = 1..1 MiB bytes of the send stream each
 *         end marker    = a frame of length 0
 * server: reply frames  = u8:type ...  (READY | ACK i64:bytes | FAILED i64:bytes utf:message utf:stderr
 *                                       | REFUSED utf:reason)
 * </pre>
 *
 * A bare end of the connection never counts as the end of the stream: over TLS a closed connection
 * was seen to arrive as an empty or truncated stream.
 */
final class Frames {

  /** Version 2 added the flags byte. */
  static final int VERSION = 2;

  static final int MAX_HEADER = 64 * 1024;
  static final int MAX_REPLY = 64 * 1024;
  static final int MAX_DATA_FRAME = 1024 * 1024;

  /** Error texts are cut to this many characters so a reply always fits its frame. */
  static final int MAX_TEXT = 8 * 1024;

  private static final byte[] MAGIC = "ZFDP".getBytes(StandardCharsets.US_ASCII);
  private static final int FLAG_FORCE = 1;
  private static final int READY = 1;
  private static final int ACK = 2;
  private static final int FAILED = 3;
  private static final int REFUSED = 4;

  private Frames() {}

  static void writeHeader(OutputStream out, TransferHeader header) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(bytes);
    data.write(MAGIC);
    data.writeByte(VERSION);
    data.writeByte(header.kind().code);
    data.writeByte(header.force() ? FLAG_FORCE : 0);
    data.writeUTF(header.job());
    data.writeUTF(header.target().value());
    data.writeUTF(header.step());
    writeFrame(out, bytes.toByteArray());
  }

  /** Reads and validates a header; a {@link ProtocolException} says what is wrong with it. */
  static TransferHeader readHeader(InputStream in) throws IOException {
    byte[] payload = readFrame(in, MAX_HEADER, "header");
    DataInputStream data = new DataInputStream(new ByteArrayInputStream(payload));
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new ProtocolException("not a zfleet data-plane request");
      }
      int version = data.readUnsignedByte();
      if (version != VERSION) {
        throw new ProtocolException(
            "protocol version " + version + " is not supported (this node speaks " + VERSION + ")");
      }
      TransferHeader.Kind kind = TransferHeader.Kind.ofCode(data.readUnsignedByte());
      int flags = data.readUnsignedByte();
      if ((flags & ~FLAG_FORCE) != 0) {
        throw new ProtocolException("unknown header flags " + Integer.toBinaryString(flags));
      }
      String job = data.readUTF();
      DatasetName target = DatasetName.of(data.readUTF());
      String step = data.readUTF();
      if (data.available() > 0) {
        throw new ProtocolException("header has " + data.available() + " trailing bytes");
      }
      return new TransferHeader(kind, job, target, step, (flags & FLAG_FORCE) != 0);
    } catch (EOFException e) {
      throw new ProtocolException("header is truncated");
    } catch (java.io.UTFDataFormatException e) {
      throw new ProtocolException("header holds malformed text");
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("invalid header: " + e.getMessage());
    }
  }

  static void writeReply(OutputStream out, Reply reply) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(bytes);
    if (reply instanceof Reply.Ready) {
      data.writeByte(READY);
    } else if (reply instanceof Reply.Ack a) {
      data.writeByte(ACK);
      data.writeLong(a.bytes());
    } else if (reply instanceof Reply.Failed f) {
      data.writeByte(FAILED);
      data.writeLong(f.bytes());
      data.writeUTF(cut(f.message()));
      data.writeUTF(cut(f.stderr()));
    } else if (reply instanceof Reply.Refused r) {
      data.writeByte(REFUSED);
      data.writeUTF(cut(r.reason()));
    }
    writeFrame(out, bytes.toByteArray());
    out.flush();
  }

  static Reply readReply(InputStream in) throws IOException {
    byte[] payload = readFrame(in, MAX_REPLY, "reply");
    DataInputStream data = new DataInputStream(new ByteArrayInputStream(payload));
    try {
      int type = data.readUnsignedByte();
      return switch (type) {
        case READY -> new Reply.Ready();
        case ACK -> new Reply.Ack(data.readLong());
        case FAILED -> new Reply.Failed(data.readLong(), data.readUTF(), data.readUTF());
        case REFUSED -> new Reply.Refused(data.readUTF());
        default -> throw new ProtocolException("unknown reply type " + type);
      };
    } catch (EOFException e) {
      throw new ProtocolException("reply is truncated");
    }
  }

  /** Reads one frame's length; -1 if the connection ended cleanly before it. */
  static int readLength(InputStream in, int max, String what) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return -1;
    }
    int b1 = in.read();
    int b2 = in.read();
    int b3 = in.read();
    if ((b1 | b2 | b3) < 0) {
      throw new EOFException("connection closed inside a frame length");
    }
    int length = (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
    if (length < 0 || length > max) {
      throw new ProtocolException(
          what + " of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of " + max);
    }
    return length;
  }

  static void writeLength(byte[] buffer, int offset, int length) {
    buffer[offset] = (byte) (length >>> 24);
    buffer[offset + 1] = (byte) (length >>> 16);
    buffer[offset + 2] = (byte) (length >>> 8);
    buffer[offset + 3] = (byte) length;
  }

  private static byte[] readFrame(InputStream in, int max, String what) throws IOException {
    int length = readLength(in, max, what);
    if (length < 0) {
      throw new EOFException("connection closed before the " + what);
    }
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new EOFException("connection closed inside the " + what);
    }
    return payload;
  }

  private static void writeFrame(OutputStream out, byte[] payload) throws IOException {
    byte[] frame = new byte[4 + payload.length];
    writeLength(frame, 0, payload.length);
    System.arraycopy(payload, 0, frame, 4, payload.length);
    out.write(frame);
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }
}
