package org.zfleet.node;

import java.time.Clock;

/**
 * The node's one source of wall-clock time. Everything else takes a {@link Clock} (handed down from
 * here), so tests drive time by hand; an architecture test keeps direct reads out of main code.
 */
public final class WallClock {

  private static final Clock UTC = Clock.systemUTC();

  private WallClock() {}

  public static Clock clock() {
    return UTC;
  }
}
