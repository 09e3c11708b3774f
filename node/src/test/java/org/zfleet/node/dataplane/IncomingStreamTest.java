package org.zfleet.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import javax.crypto.AEADBadTagException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.zfleet.node.tls.NodeIdentity;

class IncomingStreamTest {

  @Test
  void aStreamChangedInTransitIsNamedSoAndNotJustABrokenConnection() {
    // What the JDK's TLS socket throws when a record's bytes were flipped on the way (seen with a
    // corrupting relay between two nodes): before, the log said only "broke off: Tag mismatch!".
    IOException tampered =
        new SSLException("Tag mismatch!", new AEADBadTagException("Tag mismatch!"));

    assertThat(failureOf(tampered))
        .isEqualTo(
            "the stream from node alpha failed TLS's integrity check (changed in transit): Tag"
                + " mismatch!");
  }

  @Test
  void aConnectionResetStaysABrokenStream() {
    assertThat(failureOf(new SocketException("Connection reset")))
        .isEqualTo("the stream from node alpha broke off: Connection reset");
  }

  private static String failureOf(IOException error) {
    IncomingStream stream =
        new IncomingStream(new ByteArrayInputStream(new byte[0]), NodeIdentity.of("alpha"));
    stream.failed(error);
    try {
      stream.completion().toCompletableFuture().join();
      throw new AssertionError("the stream did not fail");
    } catch (CompletionException e) {
      return e.getCause().getMessage();
    }
  }
}
