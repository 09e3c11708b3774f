package org.zfleet.node.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The daemon's actor system settings: the operator's {@code pekko { … }} over zfleet's defaults.
 */
final class PekkoDefaults {

  private PekkoDefaults() {}

  /** The operator's {@code pekko { … }} settings over zfleet's defaults for a daemon. */
  static Config forDaemon(Config hocon, int transfers) {
    Config defaults =
        ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.loglevel = INFO",
                "pekko.stdout-loglevel = OFF",
                "pekko.log-dead-letters = off",
                "pekko.log-dead-letters-during-shutdown = off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = on",
                // Each transfer holds up to three threads of this pool (read, write, network side).
                "pekko.actor.default-blocking-io-dispatcher.thread-pool-executor.fixed-pool-size = "
                    + (3 * transfers + 4)));
    Config user = hocon.hasPath("pekko") ? hocon.withOnlyPath("pekko") : ConfigFactory.empty();
    return user.withFallback(defaults).withFallback(ConfigFactory.load());
  }
}
