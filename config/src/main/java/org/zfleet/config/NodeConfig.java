package org.zfleet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's own settings: its name, where it keeps state, and how it reaches the cluster, the
 * operator and ZFS. Derived defaults (control, management and data-plane ports) are already filled
 * in.
 */
public record NodeConfig(
    String name,
    Path dataDir,
    Cluster cluster,
    Tls tls,
    Control control,
    Management management,
    DataPlane dataPlane,
    Limits limits,
    Zfs zfs,
    Logging logging,
    Metrics metrics) {

  /** With human logs and the default per-filesystem metrics limit. */
  public NodeConfig(
      String name,
      Path dataDir,
      Cluster cluster,
      Tls tls,
      Control control,
      Management management,
      DataPlane dataPlane,
      Limits limits,
      Zfs zfs) {
    this(
        name,
        dataDir,
        cluster,
        tls,
        control,
        management,
        dataPlane,
        limits,
        zfs,
        new Logging(Logging.Format.HUMAN),
        new Metrics(Metrics.DEFAULT_FILESYSTEM_SERIES_LIMIT));
  }

  public NodeConfig {
    JobConfig.checkName("node", name);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(management, "management");
    Objects.requireNonNull(dataPlane, "dataPlane");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(zfs, "zfs");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** How the daemon writes its log lines to stderr. */
  public record Logging(Format format) {
    public enum Format {
      /** One readable line per event, fields as {@code key=value} in the message. */
      HUMAN,
      /** One JSON object per line (for journald, Loki, Elasticsearch), MDC fields included. */
      JSON
    }

    public Logging {
      Objects.requireNonNull(format, "format");
    }
  }

  /**
   * Prometheus metrics: per-filesystem series (replica age, lag) for at most {@code
   * filesystemSeriesLimit} filesystem and destination pairs; beyond that only per-job aggregates.
   */
  public record Metrics(int filesystemSeriesLimit) {
    public static final int DEFAULT_FILESYSTEM_SERIES_LIMIT = 500;

    public Metrics {
      if (filesystemSeriesLimit < 0) {
        throw new IllegalArgumentException(
            "filesystem-series-limit must be at least 0, got " + filesystemSeriesLimit);
      }
    }
  }

  /** Cluster membership: where this node listens, whom it joins first, and its roles. */
  public record Cluster(HostPort bind, List<HostPort> seedNodes, List<String> roles) {
    public Cluster {
      Objects.requireNonNull(bind, "bind");
      seedNodes = List.copyOf(seedNodes);
      roles = List.copyOf(roles);
    }
  }

  /** Certificate files (PEM) for the cluster and data plane; all empty until TLS is set up. */
  public record Tls(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
    public Tls {
      Objects.requireNonNull(ca, "ca");
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
      if (cert.isPresent() != key.isPresent()) {
        throw new IllegalArgumentException("tls cert and key go together");
      }
    }

    /** True if a certificate is configured. */
    public boolean configured() {
      return cert.isPresent();
    }
  }

  /**
   * The daemon's local control API (signals and status for the {@code zfleet} command), served over
   * HTTP on 127.0.0.1 only.
   */
  public record Control(int port) {
    public Control {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("control port must lie in 1-65535, got " + port);
      }
    }
  }

  /** Health, metrics and cluster management over HTTP. */
  public record Management(HostPort bind) {
    public Management {
      Objects.requireNonNull(bind, "bind");
    }
  }

  /** The TCP port snapshot streams arrive on, on the cluster bind address. */
  /**
   * Where snapshot streams arrive: {@code port} on the cluster bind host; peers are told {@code
   * advertise} instead when it is set (a port forwarded by NAT or a TCP relay in front of the
   * node).
   */
  public record DataPlane(int port, Optional<HostPort> advertise) {
    public DataPlane {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("data-plane port must lie in 1-65535, got " + port);
      }
      Objects.requireNonNull(advertise, "advertise");
    }

    public DataPlane(int port) {
      this(port, Optional.empty());
    }

    /** The address peers connect to: {@code advertise}, or the bind host at {@link #port}. */
    public HostPort advertised(HostPort clusterBind) {
      return advertise.orElse(clusterBind.withPort(port));
    }
  }

  /** Node-wide caps on concurrent work. */
  public record Limits(int zfsCommands, int transfers) {
    public Limits {
      if (zfsCommands < 1 || transfers < 1) {
        throw new IllegalArgumentException("limits must be at least 1");
      }
    }
  }

  /** The ZFS command-line tools and how long one command may run. */
  public record Zfs(String zfsPath, String zpoolPath, Duration commandTimeout) {
    public Zfs {
      Objects.requireNonNull(zfsPath, "zfsPath");
      Objects.requireNonNull(zpoolPath, "zpoolPath");
      Objects.requireNonNull(commandTimeout, "commandTimeout");
      if (commandTimeout.isNegative() || commandTimeout.isZero()) {
        throw new IllegalArgumentException("zfs command-timeout must be positive");
      }
    }
  }
}
