package org.zfleet.node.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Cluster ports for test nodes started as processes on 127.0.0.1. */
public final class ClusterPorts {

  private ClusterPorts() {}

  /**
   * Cluster ports, ascending, each with its derived ports (+1000, +2000, +3000) free now. The order
   * matters to the split brain resolver: of two nodes, the one with the lower address stays.
   */
  public static List<Integer> free(int count) {
    List<Integer> ports = new ArrayList<>();
    int port = 20000 + ThreadLocalRandom.current().nextInt(30000);
    while (ports.size() < count) {
      port += 1 + ThreadLocalRandom.current().nextInt(50);
      int p = port;
      if (List.of(0, 1000, 2000, 3000).stream().allMatch(offset -> isFree(p + offset))) {
        ports.add(p);
      }
    }
    return ports;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return socket.isBound();
    } catch (IOException e) {
      return false;
    }
  }
}
