package org.zfleet.node.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's PKIX trust manager, saying in one log line which peer it refused and why: a node with a
 * certificate from another CA otherwise fails with a bare handshake error deep in the transport.
 */
final class RefusalLoggingTrustManager extends X509ExtendedTrustManager {

  private static final Logger log = LoggerFactory.getLogger(RefusalLoggingTrustManager.class);

  private final X509ExtendedTrustManager pkix;
  private final X509Certificate ca;

  RefusalLoggingTrustManager(X509ExtendedTrustManager pkix, X509Certificate ca) {
    this.pkix = pkix;
    this.ca = ca;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused("incoming connection", chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw refused("node at " + engine.getPeerHost() + ":" + engine.getPeerPort(), chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused("incoming connection", chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw refused("node at " + socket.getRemoteSocketAddress(), chain, e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused("incoming connection", chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refused("peer", chain, e);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  private CertificateException refused(
      String peer, X509Certificate[] chain, CertificateException e) {
    String message = describe(peer, chain) + ": " + e.getMessage();
    log.warn("refused cluster peer: {}", message);
    return new CertificateException(message, e);
  }

  private String describe(String peer, X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return peer + " presented no certificate";
    }
    X509Certificate leaf = chain[0];
    String issuer = leaf.getIssuerX500Principal().getName();
    String what =
        peer
            + " presented certificate CN="
            + TlsContexts.commonName(leaf).orElse("(none)")
            + " issued by "
            + issuer;
    if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return what + ", not by this cluster's CA " + ca.getSubjectX500Principal().getName();
    }
    try {
      leaf.verify(ca.getPublicKey());
    } catch (java.security.GeneralSecurityException notOurs) {
      return what + ", a CA of the same name that is not this cluster's CA";
    }
    return what;
  }
}
