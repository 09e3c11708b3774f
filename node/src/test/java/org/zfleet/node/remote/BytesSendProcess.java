package org.zfleet.node.remote;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.zfleet.zfs.SendProcess;

/** A send whose stream is bytes made beforehand (by {@code zfs send} run directly, for one). */
final class BytesSendProcess implements SendProcess {

  private final InputStream stdout;
  private final CompletableFuture<Void> completion = CompletableFuture.completedFuture(null);

  BytesSendProcess(byte[] bytes) {
    this.stdout = new ByteArrayInputStream(bytes);
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
  public void kill() {}
}
