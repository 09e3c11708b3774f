package org.zfleet.zfs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32;
import org.zfleet.model.DatasetName;

/**
 * Resumable receive in {@link InMemoryZfs}, by the rules OpenZFS 2.3 follows (measured in the
 * guest, see the contract suite): an interrupted {@code receive -s} keeps the bytes of the snapshot
 * it was receiving (a full stream leaves its new filesystem in place, listed, without snapshots);
 * the target's token names that snapshot and how many bytes arrived; {@code send -t} sends the rest
 * behind a resume header; a receive that is not of that rest is refused while the state exists;
 * {@code receive -A} drops the state (and a filesystem the receive had created).
 *
 * <p>A token here is {@code 1-<crc32>-<length>-<hex of "toGuid;fromGuid;bytes;toName">}.
 */
public final class ModelResume {

  /** What an interrupted receive left on its target. */
  public record Partial(
      long fromGuid, long toGuid, String toName, byte[] received, boolean created) {}

  /** The first int of a resumed stream, before the to-guid and the offset it continues at. */
  static final int RESUME_MAGIC = 0x5A464C52; // "ZFLR"

  private ModelResume() {}

  public static String token(Partial p, String senderName) {
    String payload = p.toGuid() + ";" + p.fromGuid() + ";" + p.received().length + ";" + senderName;
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return "1-"
        + Long.toHexString(crc.getValue())
        + "-"
        + Integer.toHexString(bytes.length)
        + "-"
        + HexFormat.of().formatHex(bytes);
  }

  /** The token's contents, as {@code zfs send -nvt} would tell them; empty if it is corrupt. */
  static Optional<ResumeToken> decode(String token) {
    String[] parts = token.split("-");
    if (parts.length != 4) {
      return Optional.empty();
    }
    try {
      byte[] bytes = HexFormat.of().parseHex(parts[3]);
      CRC32 crc = new CRC32();
      crc.update(bytes);
      if (crc.getValue() != Long.parseLong(parts[1], 16)) {
        return Optional.empty();
      }
      String[] f = new String(bytes, StandardCharsets.UTF_8).split(";", 4);
      long from = Long.parseLong(f[1]);
      return Optional.of(
          new ResumeToken(
              token,
              OptionalLong.of(Long.parseLong(f[0])),
              Optional.of(f[3]),
              from == 0 ? OptionalLong.empty() : OptionalLong.of(from),
              Long.parseLong(f[2])));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /** The stream {@code zfs send -t} makes: the resume header, then the bytes not yet received. */
  static byte[] resumeStream(long toGuid, long offset, byte[] substream) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + substream.length - (int) offset);
    b.putInt(RESUME_MAGIC).putLong(toGuid).putLong(offset);
    b.put(substream, (int) offset, substream.length - (int) offset);
    return b.array();
  }

  static boolean isResumeStream(byte[] stream) {
    return stream.length >= 20 && ByteBuffer.wrap(stream).getInt() == RESUME_MAGIC;
  }

  /**
   * The whole substream a resumed stream completes, or the error if it does not continue {@code
   * partial} (under the model's lock).
   */
  static byte[] continued(String target, Partial partial, byte[] stream) {
    ByteBuffer b = ByteBuffer.wrap(stream);
    b.getInt();
    long toGuid = b.getLong();
    long offset = b.getLong();
    if (partial == null || toGuid != partial.toGuid() || offset != partial.received().length) {
      throw new ZfsException.ResumeFailed(
          "zfs receive "
              + target
              + ": cannot receive resume stream: kernel modules must be upgraded to receive this"
              + " stream (the resumed stream does not continue the target's partial receive: a"
              + " token of another stream?)",
          List.of(),
          "");
    }
    byte[] whole = Arrays.copyOf(partial.received(), partial.received().length + b.remaining());
    b.get(whole, partial.received().length, b.remaining());
    return whole;
  }

  static ZfsException.ResumeFailed corrupt(String token) {
    return new ZfsException.ResumeFailed(
        "zfs send "
            + token.substring(0, Math.min(20, token.length()))
            + "...: cannot resume send: resume token is corrupt",
        List.of(),
        "");
  }

  static ZfsException.ResumeFailed gone(String toName) {
    return new ZfsException.ResumeFailed(
        "zfs send "
            + toName
            + ": cannot resume send: '"
            + toName
            + "' used in the initial send no longer exists",
        List.of(),
        "");
  }

  static ZfsException.PartialReceive partialState(String target) {
    return new ZfsException.PartialReceive(
        "zfs receive "
            + target
            + ": cannot receive new filesystem stream: destination "
            + target
            + " contains partially-complete state from \"zfs receive -s\". (resume it with its"
            + " token, or abort it with receive -A)",
        List.of(),
        "");
  }

  static ZfsException.StreamFailed saved(String target, String kind) {
    return new ZfsException.StreamFailed(
        "zfs receive "
            + target
            + ": cannot receive "
            + kind
            + " stream: checksum mismatch or incomplete stream. Partially received snapshot is"
            + " saved.",
        List.of(),
        "");
  }

  // ---- the port's resumable-receive methods, under the model's lock

  /** The token text of {@code partial}, naming the snapshot as its sender calls it. */
  static String tokenOf(InMemoryZfs zfs, Partial partial) {
    String senderName =
        zfs.snapshotByGuid(partial.toGuid())
            .map(d -> d.name.snapshot(partial.toName()).full())
            .orElse(partial.toName());
    return token(partial, senderName);
  }

  static Optional<ResumeToken> resumeToken(InMemoryZfs zfs, DatasetName target) {
    if (!zfs.capabilities().resumableReceive()) {
      return Optional.empty();
    }
    zfs.command(ModelHooks.Op.GET, target.value());
    Partial partial = zfs.dataset("get", target.value(), target).partial;
    if (partial == null) {
      return Optional.empty();
    }
    String senderName =
        zfs.snapshotByGuid(partial.toGuid())
            .map(d -> d.name.snapshot(partial.toName()).full())
            .orElse(partial.toName());
    return decode(token(partial, senderName));
  }

  static SendProcess resumeSend(InMemoryZfs zfs, ResumeToken token) {
    String subject = token.toName().orElse("(resume token)");
    if (!zfs.capabilities().resumableReceive()) {
      throw new ZfsException.Unsupported(
          "zfs send " + subject + ": this ZFS has no resumable send", List.of(), "");
    }
    ZfsException injected = zfs.hooks().command(ModelHooks.Op.SEND, subject);
    ResumeToken decoded = decode(token.token()).orElse(null);
    if (decoded == null) {
      return new ModelSendProcess(new byte[0], corrupt(token.token()), zfs.hooks(), subject);
    }
    long toGuid = decoded.toGuid().getAsLong();
    ModelDataset ds = zfs.snapshotByGuid(toGuid).orElse(null);
    if (ds == null) {
      return new ModelSendProcess(
          new byte[0], gone(decoded.toName().orElseThrow()), zfs.hooks(), subject);
    }
    ModelSnapshot to = ds.snapshotByGuid(toGuid).orElseThrow();
    byte[] whole =
        ModelStream.encode(List.of(ModelSender.substream(decoded.fromGuid().orElse(0), to)));
    if (decoded.bytes() > whole.length) {
      return new ModelSendProcess(new byte[0], corrupt(token.token()), zfs.hooks(), subject);
    }
    return new ModelSendProcess(
        resumeStream(toGuid, decoded.bytes(), whole), injected, zfs.hooks(), subject);
  }

  static void abort(InMemoryZfs zfs, DatasetName target) {
    if (!zfs.capabilities().resumableReceive()) {
      throw new ZfsException.Unsupported(
          "zfs receive -A " + target + ": this ZFS has no resumable receive", List.of(), "");
    }
    zfs.command(ModelHooks.Op.RECEIVE, target.value());
    ModelDataset ds = zfs.dataset("receive", target.value(), target);
    if (ds.partial == null) {
      throw new ZfsException.NotFound(
          "zfs receive -A " + target + ": no partial receive to abort", List.of(), "");
    }
    if (ds.partial.created()) {
      zfs.destroyRecursive(target);
    } else {
      ds.partial = null;
    }
  }
}
