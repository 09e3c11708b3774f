package org.zfleet.node.cluster;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The PEM files a node presents and trusts: the cluster CA, its own certificate, its private key.
 */
public record TlsFiles(Path ca, Path cert, Path key) {

  public TlsFiles {
    Objects.requireNonNull(ca, "tls.ca");
    Objects.requireNonNull(cert, "tls.cert");
    Objects.requireNonNull(key, "tls.key");
  }
}
