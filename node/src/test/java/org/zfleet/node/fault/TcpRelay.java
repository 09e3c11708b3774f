package org.zfleet.node.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 that the test owns, between a sender and a node's data plane (the node
 * advertises the relay's port with {@code data-plane.advertise}). It forwards bytes both ways, and
 * on the test's word it cuts the network (no byte moves either way and no connection is made or
 * closed, as when a cable is pulled: the connections stay open, silent, until it is restored) or
 * corrupts the stream towards the node (one byte flipped in every chunk past a threshold).
 */
final class TcpRelay implements AutoCloseable {

  enum Mode {
    FORWARD,
    CUT,
    CORRUPT
  }

  private static final long CORRUPT_AFTER = 1024 * 1024;

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong towardsTarget = new AtomicLong();
  private final AtomicLong flipped = new AtomicLong();
  private volatile Mode mode = Mode.FORWARD;
  private volatile boolean closed;
  private volatile long corruptFrom;

  TcpRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "relay-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on; corruption starts after another {@code CORRUPT_AFTER} bytes. */
  void mode(Mode mode) {
    corruptFrom = towardsTarget.get() + CORRUPT_AFTER;
    this.mode = mode;
  }

  /** Bytes flipped so far (corruption happened, not only asked for). */
  long flipped() {
    return flipped.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread connect = new Thread(() -> connect(client), "relay-connect");
        connect.setDaemon(true);
        connect.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void connect(Socket client) {
    try {
      awaitNetwork();
      Socket target = new Socket();
      sockets.add(target);
      target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
      pump(client, target, true);
      pump(target, client, false);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to, boolean towardsTargetSide) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                  int n = in.read(buffer);
                  awaitNetwork();
                  if (n < 0) {
                    // A half close passes on as one: the other way may still carry a reply.
                    to.shutdownOutput();
                    return;
                  }
                  if (towardsTargetSide) {
                    long total = towardsTarget.addAndGet(n);
                    if (mode == Mode.CORRUPT && total > corruptFrom) {
                      buffer[n / 2] ^= (byte) 0x5a;
                      flipped.incrementAndGet();
                    }
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // One side reset: as on a real network, the other learns it by its own socket.
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /** While the network is cut, nothing moves: wait (a pump holds at most one buffer meanwhile). */
  private void awaitNetwork() {
    while (mode == Mode.CUT && !closed) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    sockets.forEach(TcpRelay::closeQuietly);
  }
}
