package org.zfleet.node.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zfleet.config.HostPort;
import org.zfleet.node.tls.TlsContexts;
import scala.Option;

/**
 * Artery's TLS: mutual authentication against the cluster CA, and the certificate CN of every node
 * this node connects to recorded in {@link PeerIdentities}.
 *
 * <p>Pekko's {@code RotatingKeysSSLEngineProvider} does not fit: its PEM loader reads RSA keys
 * only, and its peer check accepts a peer when any subject name (CN or DNS SAN) of the peer's
 * certificate equals one of this node's own, which holds for every zfleet certificate (all carry
 * {@code localhost}) and so checks nothing, while it would refuse nodes with disjoint names. Here
 * the CA is the gate, and names are checked where they mean something: the CN against the member's
 * advertised {@code node:<name>} role.
 *
 * <p>Only outgoing connections tie a certificate to an address: this node dialled {@code host:port}
 * and the node answering there proved it holds the key of the certificate. Incoming connections
 * only pass the CA check; the peer's address is not known at that point.
 */
public final class NodeTlsProvider implements SSLEngineProvider {

  private static final Logger log = LoggerFactory.getLogger(NodeTlsProvider.class);

  private final SSLContext context;
  private final PeerIdentities identities;

  /** Called by Artery with the ActorSystem; reads {@code zfleet.cluster} from its configuration. */
  public NodeTlsProvider(ActorSystem system) {
    Config config = system.settings().config().getConfig(ClusterConfig.ZFLEET_PATH);
    TlsFiles files =
        new TlsFiles(
            Path.of(config.getString("tls.ca")),
            Path.of(config.getString("tls.cert")),
            Path.of(config.getString("tls.key")));
    this.context =
        TlsContexts.forNode(files.ca(), files.cert(), files.key(), config.getString("node-name"));
    this.identities = PeerIdentities.get(system);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    engine.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    return engine;
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    // The peer host and port travel with the session, so the check below knows whom it dialled.
    SSLEngine engine = context.createSSLEngine(hostname, port);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(new String[] {TlsContexts.PROTOCOL});
    return engine;
  }

  /**
   * This node dialled the peer: record the CN for its address, refuse it if a member there claims
   * another name.
   */
  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    HostPort peer;
    try {
      peer = new HostPort(session.getPeerHost(), session.getPeerPort());
    } catch (IllegalArgumentException e) {
      return Option.apply(
          new SSLPeerUnverifiedException("no peer address in the TLS session: " + e.getMessage()));
    }
    Optional<String> name = peerName(session);
    if (name.isEmpty()) {
      log.warn(
          "refused cluster peer: node at {} presented a certificate without a valid node name as"
              + " CN",
          peer);
      return Option.apply(
          new SSLPeerUnverifiedException("the certificate of " + peer + " names no node"));
    }
    identities.recordCertificate(peer, name.get());
    Optional<String> claimed = identities.memberName(peer);
    if (claimed.isPresent() && !claimed.get().equals(name.get())) {
      log.warn(
          "refused cluster peer: member at {} claims node:{} but its certificate names \"{}\"",
          peer,
          claimed.get(),
          name.get());
      return Option.apply(
          new SSLPeerUnverifiedException(
              "member at "
                  + peer
                  + " claims node:"
                  + claimed.get()
                  + " but its certificate names "
                  + name.get()));
    }
    return Option.empty();
  }

  /**
   * A peer dialled this node; the trust manager has checked its CA, and its CN must name a node.
   */
  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    if (peerName(session).isEmpty()) {
      log.warn(
          "refused cluster peer: incoming connection with a certificate without a valid node name"
              + " as CN");
      return Option.apply(new SSLPeerUnverifiedException("the peer's certificate names no node"));
    }
    return Option.empty();
  }

  private static Optional<String> peerName(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      return TlsContexts.commonName(leaf).filter(cn -> ClusterSettings.nodeNameProblem(cn) == null);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
