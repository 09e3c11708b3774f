package org.zfleet.zfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test helpers that move a stream between a {@link ZfsPort}'s send and receive on the calling
 * thread and report the outcome as the typed {@link ZfsException}, for tests of any port.
 */
public final class PortTransfers {

  /** How long a test waits for a send or receive to finish. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private PortTransfers() {}

  /**
   * Pipes {@code send} into {@code receive}. Throws the send's error if the send failed on its own
   * (e.g. a missing snapshot), otherwise the receive's error, if any.
   */
  public static void pipe(ZfsPort port, SendRequest send, ReceiveRequest receive) {
    SendProcess s = port.send(send);
    ReceiveProcess r;
    try {
      r = port.receive(receive);
    } catch (RuntimeException e) {
      s.kill();
      throw e;
    }
    boolean receiveBroke = false;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = s.stdout()) {
      OutputStream out = r.stdin();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          receiveBroke = true;
          s.kill();
          break;
        }
      }
    } catch (IOException e) {
      // The send ended badly: its completion says how.
    }
    closeQuietly(r.stdin());
    ZfsException receiveError = await(r.completion());
    ZfsException sendError = await(s.completion());
    if (!receiveBroke && sendError != null) {
      throw sendError;
    }
    if (receiveError != null) {
      throw receiveError;
    }
    if (sendError != null) {
      throw sendError;
    }
  }

  /** The whole stream of a send that must succeed. */
  public static byte[] sendBytes(ZfsPort port, SendRequest send) {
    return bytesOf(port.send(send));
  }

  /** The whole stream of a started send; throws the send's typed error, if any. */
  public static byte[] bytesOf(SendProcess s) {
    byte[] bytes;
    try (InputStream in = s.stdout()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      bytes = new byte[0]; // the send ended badly: its completion says how
    }
    ZfsException error = await(s.completion());
    if (error != null) {
      throw error;
    }
    return bytes;
  }

  /** Receives {@code bytes}; throws the receive's typed error, if any. */
  public static void receiveBytes(ZfsPort port, ReceiveRequest receive, byte[] bytes) {
    ReceiveProcess r = port.receive(receive);
    try {
      r.stdin().write(bytes);
    } catch (IOException e) {
      // The receive ended early: its completion says why.
    }
    closeQuietly(r.stdin());
    ZfsException error = await(r.completion());
    if (error != null) {
      throw error;
    }
  }

  /** Waits for a completion; returns its typed error or null. */
  public static ZfsException await(CompletionStage<Void> completion) {
    try {
      completion.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ZfsException z) {
        return z;
      }
      throw new AssertionError("completion failed with an untyped error", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no completion within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException e) {
      // A receive that already ended cannot take more; its completion tells.
    }
  }
}
