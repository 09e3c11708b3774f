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
 * client: opening frame = "ZFDP" u8:version u8:kind ...   (at most 64 KiB)
 *           kind STREAM  : u8:flags utf:job utf:target utf:step (flags bit 0: force, others 0)
 *           kind REQUEST : the request's bytes, the rest of the frame
 *         data frames   = 1..1 MiB bytes of the send stream each (after a STREAM opening)
 *         end marker    = a frame of length 0
 * server: reply frames  = u8:type ...  (READY | ACK i64:bytes | FAILED i64:bytes utf:message utf:stderr
 *                                       | REFUSED utf:reason | ANSWER the answer's bytes)
 * </pre>
 *
 * A STREAM connection carries one stream and ends with it. A REQUEST connection carries requests
 * one after another, each answered by one ANSWER (at most 64 MiB) or REFUSED, and is kept for the
 * next one until either side closes it.
 *
 * <p>A bare end of the connection never counts as the end of the stream: over TLS a closed
 * connection was seen to arrive as an empty or truncated stream.
 */
final class Frames {

  /** Version 2 added the flags byte, version 3 requests. */
  static final int VERSION = 3;

  static final int MAX_HEADER = 64 * 1024;
  static final int MAX_REPLY = 64 * 1024;

  /** The largest answer to a request (a listing of many datasets). */
  static final int MAX_ANSWER = 64 * 1024 * 1024;

  static final int MAX_DATA_FRAME = 1024 * 1024;

  /** Error texts are cut to this many characters so a reply always fits its frame. */
  static final int MAX_TEXT = 8 * 1024;

  private static final byte[] MAGIC = "ZFDP".getBytes(StandardCharsets.US_ASCII);
  private static final int FLAG_FORCE = 1;
  private static final int FLAG_RESUMABLE = 2;
  private static final int READY = 1;
  private static final int ACK = 2;
  private static final int FAILED = 3;
  private static final int REFUSED = 4;
  private static final int ANSWER = 5;
  private static final int KIND_REQUEST = 2;

  /** What a connection's opening frame asks for. */
  sealed interface Opening permits Stream, Request {}

  /** A stream to receive, described by its header. */
  record Stream(TransferHeader header) implements Opening {}

  /** A request, as bytes for the node's request handler to read. */
  record Request(byte[] body) implements Opening {}

  static void writeRequest(OutputStream out, byte[] body) throws IOException {
    if (body.length > MAX_HEADER - MAGIC.length - 2) {
      throw new ProtocolException("a request of " + body.length + " bytes exceeds the limit");
    }
    byte[] payload = new byte[MAGIC.length + 2 + body.length];
    System.arraycopy(MAGIC, 0, payload, 0, MAGIC.length);
    payload[MAGIC.length] = (byte) VERSION;
    payload[MAGIC.length + 1] = (byte) KIND_REQUEST;
    System.arraycopy(body, 0, payload, MAGIC.length + 2, body.length);
    writeFrame(out, payload);
    out.flush();
  }

  /**
   * Reads a connection's opening frame, or the next request on a kept connection; -1 length at a
   * clean end of the connection is an {@link EOFException}. A {@link ProtocolException} says what
   * is wrong with it.
   */
  static Opening readOpening(InputStream in) throws IOException {
    byte[] payload = readFrame(in, MAX_HEADER, "header");
    if (payload.length < MAGIC.length + 2
        || !Arrays.equals(Arrays.copyOf(payload, MAGIC.length), MAGIC)) {
      throw new ProtocolException("not a zfleet data-plane request");
    }
    int version = payload[MAGIC.length] & 0xff;
    if (version != VERSION) {
      throw new ProtocolException(
          "protocol version " + version + " is not supported (this node speaks " + VERSION + ")");
    }
    int kind = payload[MAGIC.length + 1] & 0xff;
    if (kind == KIND_REQUEST) {
      return new Request(Arrays.copyOfRange(payload, MAGIC.length + 2, payload.length));
    }
    return new Stream(readHeader(payload));
  }

  static void writeAnswer(OutputStream out, byte[] body) throws IOException {
    if (body.length > MAX_ANSWER - 1) {
      throw new ProtocolException("an answer of " + body.length + " bytes exceeds the limit");
    }
    byte[] payload = new byte[1 + body.length];
    payload[0] = (byte) ANSWER;
    System.arraycopy(body, 0, payload, 1, body.length);
    writeFrame(out, payload);
    out.flush();
  }

  /** The answer to a request; a REFUSED reply (a malformed request) is a ProtocolException. */
  static byte[] readAnswer(InputStream in) throws IOException {
    byte[] payload = readFrame(in, MAX_ANSWER, "answer");
    if (payload.length > 0 && (payload[0] & 0xff) == ANSWER) {
      return Arrays.copyOfRange(payload, 1, payload.length);
    }
    Reply reply = parseReply(payload);
    throw new ProtocolException(
        reply instanceof Reply.Refused r
            ? "refused: " + r.reason()
            : "an answer was expected, not " + reply);
  }

  private Frames() {}

  static void writeHeader(OutputStream out, TransferHeader header) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(bytes);
    data.write(MAGIC);
    data.writeByte(VERSION);
    data.writeByte(header.kind().code);
    data.writeByte((header.force() ? FLAG_FORCE : 0) | (header.resumable() ? FLAG_RESUMABLE : 0));
    data.writeUTF(header.job());
    data.writeUTF(header.target().value());
    data.writeUTF(header.step());
    writeFrame(out, bytes.toByteArray());
  }

  /** Reads and validates a header; a {@link ProtocolException} says what is wrong with it. */
  static TransferHeader readHeader(InputStream in) throws IOException {
    Opening opening = readOpening(in);
    if (opening instanceof Stream stream) {
      return stream.header();
    }
    throw new ProtocolException("a stream header was expected, not a request");
  }

  private static TransferHeader readHeader(byte[] payload) throws IOException {
    DataInputStream data = new DataInputStream(new ByteArrayInputStream(payload));
    try {
      data.skipNBytes(MAGIC.length + 1);
      TransferHeader.Kind kind = TransferHeader.Kind.ofCode(data.readUnsignedByte());
      int flags = data.readUnsignedByte();
      if ((flags & ~(FLAG_FORCE | FLAG_RESUMABLE)) != 0) {
        throw new ProtocolException("unknown header flags " + Integer.toBinaryString(flags));
      }
      String job = data.readUTF();
      DatasetName target = DatasetName.of(data.readUTF());
      String step = data.readUTF();
      if (data.available() > 0) {
        throw new ProtocolException("header has " + data.available() + " trailing bytes");
      }
      return new TransferHeader(
          kind, job, target, step, (flags & FLAG_FORCE) != 0, (flags & FLAG_RESUMABLE) != 0);
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
    return parseReply(readFrame(in, MAX_REPLY, "reply"));
  }

  private static Reply parseReply(byte[] payload) throws IOException {
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
