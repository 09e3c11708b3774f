package org.zfleet.node.dataplane;

import java.time.Duration;
import java.util.Objects;
import org.zfleet.transfer.TransferOptions;

/**
 * The data-plane server's settings: where it listens, how many transfers it runs at once, its
 * timeouts and its limits on connections.
 *
 * <ul>
 *   <li>{@code setupTimeout}: one deadline for a connection's TLS handshake and opening frame
 *       together, however slowly the bytes come;
 *   <li>{@code idleTimeout}: a transfer whose bytes stop moving (a sender that stops sending, or a
 *       receive that stops taking them while its sender may be gone);
 *   <li>{@code drainTimeout}: how long a failed connection is kept open so the sender can read why;
 *   <li>{@code requestIdleTimeout}: how long a kept request connection may wait for its next
 *       request;
 *   <li>{@code limits}: connections in setup, in all and per address; connections per authenticated
 *       node.
 * </ul>
 */
public record DataPlaneSettings(
    String host,
    int port,
    int maxTransfers,
    Duration setupTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    Duration requestIdleTimeout,
    Limits limits,
    TransferOptions transferOptions) {

  /**
   * Bounds on connections: {@code setup} (handshakes and opening frames under way, all addresses
   * together), {@code setupPerAddress} (of those, from one address), {@code total} (open in all),
   * {@code perNode} (open for one authenticated node).
   */
  public record Limits(int setup, int setupPerAddress, int total, int perNode) {
    public Limits {
      if (setup < 1 || setupPerAddress < 1 || total < 1 || perNode < 1) {
        throw new IllegalArgumentException("connection limits must be at least 1");
      }
    }

    /** 64 in setup, 8 from one address, 512 in all, 64 per node. */
    public static Limits defaults() {
      return new Limits(64, 8, 512, 64);
    }
  }

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
    requirePositive("requestIdleTimeout", requestIdleTimeout);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(transferOptions, "transferOptions");
  }

  /**
   * Listens on {@code host:port}; 8 transfers; 20 s setup, 10 min idle, 5 s drain, 2 min between
   * requests; {@link Limits#defaults()}.
   */
  public static DataPlaneSettings of(String host, int port) {
    return new DataPlaneSettings(
        host,
        port,
        8,
        Duration.ofSeconds(20),
        Duration.ofMinutes(10),
        Duration.ofSeconds(5),
        Duration.ofMinutes(2),
        Limits.defaults(),
        TransferOptions.defaults());
  }

  public DataPlaneSettings withMaxTransfers(int max) {
    return new DataPlaneSettings(
        host,
        port,
        max,
        setupTimeout,
        idleTimeout,
        drainTimeout,
        requestIdleTimeout,
        limits,
        transferOptions);
  }

  public DataPlaneSettings withIdleTimeout(Duration timeout) {
    return new DataPlaneSettings(
        host,
        port,
        maxTransfers,
        setupTimeout,
        timeout,
        drainTimeout,
        requestIdleTimeout,
        limits,
        transferOptions);
  }

  public DataPlaneSettings withSetupTimeout(Duration timeout) {
    return new DataPlaneSettings(
        host,
        port,
        maxTransfers,
        timeout,
        idleTimeout,
        drainTimeout,
        requestIdleTimeout,
        limits,
        transferOptions);
  }

  public DataPlaneSettings withLimits(Limits newLimits) {
    return new DataPlaneSettings(
        host,
        port,
        maxTransfers,
        setupTimeout,
        idleTimeout,
        drainTimeout,
        requestIdleTimeout,
        newLimits,
        transferOptions);
  }

  public DataPlaneSettings withTransferOptions(TransferOptions options) {
    return new DataPlaneSettings(
        host,
        port,
        maxTransfers,
        setupTimeout,
        idleTimeout,
        drainTimeout,
        requestIdleTimeout,
        limits,
        options);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be positive and below 24 days");
    }
  }
}
