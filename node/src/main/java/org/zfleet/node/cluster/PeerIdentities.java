package org.zfleet.node.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.zfleet.config.HostPort;

/**
 * The authenticated identities of this node's cluster peers, one registry per ActorSystem.
 *
 * <p>Two facts meet here. The TLS layer ({@link NodeTlsProvider}) records, for every connection
 * this node opens, the CN of the certificate presented by the node listening at that {@code
 * host:port}; the CA has already been checked by then. The {@link IdentityGuard} records the name
 * each cluster member advertises in its {@code node:<name>} role. A member is {@link
 * PeerIdentity.Verified} when both agree; the guard downs members where they differ.
 *
 * <p>Receivers ask {@link #identityOf(ActorRef)} with the {@code replyTo} of a request: the address
 * in it says which node sent the request.
 */
public final class PeerIdentities implements Extension {

  private static final Id ID = new Id();

  private final ExtendedActorSystem system;
  private final String selfName;
  private final Map<HostPort, String> certificateNames = new ConcurrentHashMap<>();
  private final Map<HostPort, String> memberNames = new ConcurrentHashMap<>();

  private PeerIdentities(ExtendedActorSystem system) {
    this.system = system;
    this.selfName = system.settings().config().getString(ClusterConfig.ZFLEET_PATH + ".node-name");
  }

  public static PeerIdentities get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  public static PeerIdentities get(ActorSystem system) {
    return ID.get(system);
  }

  /** This node's own name, as its certificate states it. */
  public String selfName() {
    return selfName;
  }

  /** The identity of the node hosting {@code ref}. */
  public PeerIdentity identityOf(ActorRef<?> ref) {
    return identityOf(ref.path().address());
  }

  /** The identity of the node at {@code address}. */
  public PeerIdentity identityOf(Address address) {
    if (address.getHost().isEmpty() || address.equals(system.provider().getDefaultAddress())) {
      return new PeerIdentity.Verified(selfName);
    }
    Optional<HostPort> hostPort = hostPort(address);
    if (hostPort.isEmpty()) {
      return new PeerIdentity.Unverified(address.toString(), "the address has no port");
    }
    String member = memberNames.get(hostPort.get());
    String certificate = certificateNames.get(hostPort.get());
    if (member == null) {
      return new PeerIdentity.Unverified(address.toString(), "not a member of this cluster");
    }
    if (certificate == null) {
      return new PeerIdentity.Unverified(
          address.toString(), "member node:" + member + " has not presented its certificate yet");
    }
    if (!certificate.equals(member)) {
      return new PeerIdentity.Unverified(
          address.toString(),
          "member claims node:" + member + " but its certificate names \"" + certificate + "\"");
    }
    return new PeerIdentity.Verified(member);
  }

  /** Called by the TLS layer once the certificate of the node at {@code peer} was accepted. */
  void recordCertificate(HostPort peer, String commonName) {
    certificateNames.put(peer, commonName);
  }

  Optional<String> certificateName(HostPort peer) {
    return Optional.ofNullable(certificateNames.get(peer));
  }

  /** The node name the member at {@code peer} advertises, while it is a member. */
  Optional<String> memberName(HostPort peer) {
    return Optional.ofNullable(memberNames.get(peer));
  }

  void recordMember(HostPort peer, String nodeName) {
    memberNames.put(peer, nodeName);
  }

  void forgetMember(HostPort peer) {
    memberNames.remove(peer);
  }

  static Optional<HostPort> hostPort(Address address) {
    if (address.getHost().isEmpty() || address.getPort().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HostPort(address.getHost().get(), address.getPort().get()));
  }

  private static final class Id extends AbstractExtensionId<PeerIdentities>
      implements ExtensionIdProvider {
    @Override
    public PeerIdentities createExtension(ExtendedActorSystem system) {
      return new PeerIdentities(system);
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
