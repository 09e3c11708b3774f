package org.zfleet.transfer;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.zfleet.zfs.ZfsException;

/** How the parts of a transfer ended, read from their completions for the failure report. */
final class Outcomes {

  private Outcomes() {}

  static CompletableFuture<?> quietly(CompletionStage<?> stage) {
    return stage.toCompletableFuture().handle((v, e) -> null);
  }

  static Throwable errorOf(CompletionStage<?> stage) {
    CompletableFuture<?> f = stage.toCompletableFuture();
    if (!f.isCompletedExceptionally()) {
      return null;
    }
    try {
      f.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return unwrap(e);
    }
  }

  static String stderrOf(CompletionStage<?> stage) {
    Throwable error = errorOf(stage);
    return error instanceof ZfsException z ? z.stderr() : "";
  }

  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  static Throwable rootOf(Throwable e) {
    Throwable t = e;
    while (t != null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  static String messageOf(Throwable e) {
    if (e == null) {
      return "unknown error";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
