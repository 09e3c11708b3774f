package org.zfleet.node.dataplane;

import java.time.Duration;
import java.util.Objects;
import org.zfleet.transfer.TransferOptions;

/**
 * The data-plane server's settings: where it listens, how many transfers it runs at once, and its
 * timeouts: {@code setupTimeout} for the TLS handshake and header, {@code idleTimeout} for a
 * transfer whose bytes stop moving (a sender that stops sending, or a receive that stops taking
 * them while its sender may be gone), {@code drainTimeout} for how long a failed connection is kept
 * open so the sender can read why.
 */
public record DataPlaneSettings(
    String host,
    int port,
    int maxTransfers,
    Duration setupTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    TransferOptions transferOptions) {

  public DataPlaneSettings {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
    if (maxTransfers < 1) {
      throw new IllegalArgumentException("maxTransfers must be at least 1");
    }
    requirePositive("setupTimeout", setupTimeout);
    requirePositive("idleTimeout", idleTimeout);
    requirePositive("drainTimeout", drainTimeout);
    Objects.requireNonNull(transferOptions, "transferOptions");
  }

  /** Listens on {@code host:port}; 8 transfers; 30 s setup, 10 min idle, 5 s drain. */
  public static DataPlaneSettings of(String host, int port) {
    return new DataPlaneSettings(
        host,
        port,
        8,
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        Duration.ofSeconds(5),
        TransferOptions.defaults());
  }

  public DataPlaneSettings withMaxTransfers(int max) {
    return new DataPlaneSettings(
        host, port, max, setupTimeout, idleTimeout, drainTimeout, transferOptions);
  }

  public DataPlaneSettings withIdleTimeout(Duration timeout) {
    return new DataPlaneSettings(
        host, port, maxTransfers, setupTimeout, timeout, drainTimeout, transferOptions);
  }

  public DataPlaneSettings withTransferOptions(TransferOptions options) {
    return new DataPlaneSettings(
        host, port, maxTransfers, setupTimeout, idleTimeout, drainTimeout, options);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be positive and below 24 days");
    }
  }
}
