package org.zfleet.zfs;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A {@code zfs send} process: its stdout is the stream. */
final class CliSendProcess implements SendProcess {

  private final RunningProcess process;
  private final CompletableFuture<Void> completion = new CompletableFuture<>();

  CliSendProcess(RunningProcess process, String subject) {
    this.process = process;
    process
        .exit()
        .thenAccept(
            exit -> {
              ZfsException error = CliStreamErrors.of("send", subject, exit);
              if (error == null) {
                completion.complete(null);
              } else {
                completion.completeExceptionally(error);
              }
            });
  }

  @Override
  public InputStream stdout() {
    return process.process().getInputStream();
  }

  @Override
  public CompletionStage<Void> completion() {
    return completion;
  }

  @Override
  public void kill() {
    process.kill(RunningProcess.End.KILLED);
  }
}
