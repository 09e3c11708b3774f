package org.zfleet.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.zfleet.zfs.SendProcess;
import org.zfleet.zfs.ZfsException;

/**
 * A {@code zfs send} stand-in: produces {@code length} pseudo-random bytes (at most 64 KiB per
 * read, like a pipe), then exits successfully or, if told to, with an error and a stderr. Counts
 * the bytes read and keeps their SHA-256 for comparison with what a receiver got.
 */
public final class FakeSendProcess implements SendProcess {

  private static final int PIPE_READ = 64 * 1024;

  private final long length;
  private final boolean failAtEnd;
  private final String stderr;
  private final SplittableRandom random;
  private final MessageDigest digest = newDigest();
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private final InputStream stdout = new Stdout();
  private long produced;
  private volatile long bytesRead;
  private volatile boolean killed;

  private FakeSendProcess(long length, boolean failAtEnd, String stderr, long seed) {
    this.length = length;
    this.failAtEnd = failAtEnd;
    this.stderr = stderr;
    this.random = new SplittableRandom(seed);
  }

  /** Sends {@code length} bytes and exits successfully. */
  public static FakeSendProcess of(long length, long seed) {
    return new FakeSendProcess(length, false, "", seed);
  }

  /** Sends {@code length} bytes, then exits with an error carrying {@code stderr}. */
  public static FakeSendProcess failingAfter(long length, String stderr, long seed) {
    return new FakeSendProcess(length, true, stderr, seed);
  }

  /** Sends until killed (well, 1 TiB). */
  public static FakeSendProcess endless(long seed) {
    return new FakeSendProcess(1L << 40, false, "", seed);
  }

  /** The same bytes {@code of(length, seed)} produces, for comparisons. */
  public static String sha256Of(long length, long seed) {
    FakeSendProcess p = of(length, seed);
    try {
      p.stdout.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return p.sha256();
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public void kill() {
    killed = true;
    completion.completeExceptionally(
        new ZfsException.Failed("fake send killed", List.of("zfs", "send"), stderr + "killed\n"));
  }

  public boolean killed() {
    return killed;
  }

  public long bytesRead() {
    return bytesRead;
  }

  public synchronized String sha256() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Stdout extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      synchronized (FakeSendProcess.this) {
        if (killed) {
          throw new IOException("Stream closed");
        }
        if (len == 0) {
          return 0;
        }
        if (produced >= length) {
          if (failAtEnd) {
            completion.completeExceptionally(
                new ZfsException.StreamFailed("fake send failed", List.of("zfs", "send"), stderr));
          } else {
            completion.complete(null);
          }
          return -1;
        }
        int n = (int) Math.min(Math.min(len, PIPE_READ), length - produced);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) random.nextInt(256);
        }
        digest.update(b, off, n);
        produced += n;
        bytesRead = produced;
        return n;
      }
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
