package org.zfleet.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.zfleet.zfs.ReceiveProcess;
import org.zfleet.zfs.ZfsException;

/**
 * A {@code zfs receive} stand-in: consumes its stdin (keeping a SHA-256), optionally only as fast
 * as the test allows, optionally failing after some bytes or at the end. Records whether it saw a
 * clean end of stream (stdin closed) or was killed.
 */
public final class FakeReceiveProcess implements ReceiveProcess {

  private final long failAfter;
  private final boolean failAtEnd;
  private final String stderr;
  private final MessageDigest digest = newDigest();
  private final CompletableFuture<Void> completion = new CompletableFuture<>();
  private final OutputStream stdin = new Stdin();
  private long allowance = Long.MAX_VALUE;
  private long consumed;
  private boolean closedCleanly;
  private boolean killed;
  private boolean failed;

  private FakeReceiveProcess(long failAfter, boolean failAtEnd, String stderr) {
    this.failAfter = failAfter;
    this.failAtEnd = failAtEnd;
    this.stderr = stderr;
  }

  /** Takes the whole stream and exits successfully when stdin is closed. */
  public static FakeReceiveProcess accepting() {
    return new FakeReceiveProcess(Long.MAX_VALUE, false, "");
  }

  /** Fails after consuming {@code bytes}, like a receive that rejects the stream midway. */
  public static FakeReceiveProcess failingAfter(long bytes, String stderr) {
    return new FakeReceiveProcess(bytes, false, stderr);
  }

  /** Takes the whole stream, then exits with an error when stdin is closed. */
  public static FakeReceiveProcess failingAtEnd(String stderr) {
    return new FakeReceiveProcess(Long.MAX_VALUE, true, stderr);
  }

  /** From now on consumes only bytes allowed by {@link #allow(long)}. */
  public synchronized FakeReceiveProcess gated() {
    allowance = 0;
    return this;
  }

  /** Lets a gated receiver consume {@code bytes} more. */
  public synchronized void allow(long bytes) {
    allowance = allowance > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : allowance + bytes;
    notifyAll();
  }

  @Override
  public OutputStream stdin() {
    return stdin;
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public synchronized void kill() {
    if (killed) {
      return;
    }
    killed = true;
    notifyAll();
    completion.completeExceptionally(
        new ZfsException.Failed(
            "fake receive killed", List.of("zfs", "receive"), stderr + "killed\n"));
  }

  public synchronized long consumed() {
    return consumed;
  }

  public synchronized boolean killed() {
    return killed;
  }

  /** True if stdin was closed while the process was alive: it saw the end of the stream. */
  public synchronized boolean closedCleanly() {
    return closedCleanly;
  }

  public synchronized String sha256() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Stdin extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      synchronized (FakeReceiveProcess.this) {
        while (len > 0) {
          if (killed || failed) {
            throw new IOException("Broken pipe");
          }
          long n = Math.min(len, Math.min(allowance, failAfter - consumed));
          if (n == 0 && consumed >= failAfter) {
            failed = true;
            completion.completeExceptionally(
                new ZfsException.StreamFailed(
                    "fake receive failed", List.of("zfs", "receive"), stderr));
            continue;
          }
          if (n == 0) {
            try {
              FakeReceiveProcess.this.wait();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted", e);
            }
            continue;
          }
          digest.update(b, off, (int) n);
          consumed += n;
          allowance -= n;
          off += (int) n;
          len -= (int) n;
        }
      }
    }

    @Override
    public void close() throws IOException {
      synchronized (FakeReceiveProcess.this) {
        if (killed || failed) {
          throw new IOException("Broken pipe");
        }
        if (completion.isDone()) {
          return;
        }
        closedCleanly = true;
        if (failAtEnd) {
          completion.completeExceptionally(
              new ZfsException.StreamFailed(
                  "fake receive failed", List.of("zfs", "receive"), stderr));
        } else {
          completion.complete(null);
        }
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
