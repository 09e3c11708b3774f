package org.zfleet.node;

import java.net.InetAddress;

/** This host as the operating system names it: the default node name. The one place that asks. */
public final class LocalHost {

  private LocalHost() {}

  public static String name() {
    String env = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }
}
