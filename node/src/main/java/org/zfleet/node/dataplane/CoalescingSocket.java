package org.zfleet.node.dataplane;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The plain TCP socket under the data plane's TLS layer, made to move bytes in large system calls.
 *
 * <p>The JDK's TLS socket reads each record (at most 16 KiB) from its socket with two reads, header
 * and body, and writes and flushes each record on its own: for 1 GiB, about 130,000 reads on the
 * receiving node and 65,000 writes on the sending one, each a trip through the TCP stack. Here the
 * TLS layer reads from a buffer that the socket fills in large reads, and while the output is
 * {@linkplain CorkableOutputStream#cork() corked} the records of one data frame collect and leave
 * in one write. Nothing waits in the buffer beyond the frame that put it there.
 */
final class CoalescingSocket extends Socket {

  /** Enough for the TLS records of one 256 KiB frame, with their headers and tags. */
  static final int BUFFER_SIZE = 320 * 1024;

  private InputStream input;
  private CorkableOutputStream output;

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (input == null) {
      input = new BufferedInputStream(super.getInputStream(), BUFFER_SIZE);
    }
    return input;
  }

  @Override
  public synchronized CorkableOutputStream getOutputStream() throws IOException {
    if (output == null) {
      output = new CorkableOutputStream(super.getOutputStream(), BUFFER_SIZE);
    }
    return output;
  }

  /** A server socket whose accepted connections are {@link CoalescingSocket}s. */
  static final class Server extends ServerSocket {
    Server() throws IOException {
      super();
    }

    @Override
    public CoalescingSocket accept() throws IOException {
      CoalescingSocket socket = new CoalescingSocket();
      implAccept(socket);
      return socket;
    }
  }
}
