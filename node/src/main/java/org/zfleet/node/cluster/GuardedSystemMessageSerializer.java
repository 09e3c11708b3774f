package org.zfleet.node.cluster;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.dispatch.sysmsg.DeathWatchNotification;
import org.apache.pekko.dispatch.sysmsg.Unwatch;
import org.apache.pekko.dispatch.sysmsg.Watch;
import org.apache.pekko.remote.serialization.SystemMessageSerializer;
import org.apache.pekko.serialization.JSerializer;
import org.slf4j.LoggerFactory;

/**
 * Pekko's serializer of system messages, in its place and under its identifier, that turns away
 * every system message but those of remote death watch ({@code Watch}, {@code Unwatch}, {@code
 * DeathWatchNotification}). Untrusted mode drops PoisonPill and Kill, but Artery still delivers
 * system messages from any member to any actor it can name by path: a {@code Terminate} would stop
 * a node's actors, its guardian included. zfleet deploys nothing remotely, so it needs no other
 * system message from another node; the one refused is logged and dropped.
 */
public final class GuardedSystemMessageSerializer extends JSerializer {

  private static final RefusalLog refusals =
      new RefusalLog(LoggerFactory.getLogger(GuardedSystemMessageSerializer.class));

  private final SystemMessageSerializer pekko;

  public GuardedSystemMessageSerializer(ExtendedActorSystem system) {
    this.pekko = new SystemMessageSerializer(system);
  }

  @Override
  public int identifier() {
    return pekko.identifier();
  }

  @Override
  public byte[] toBinary(Object o) {
    return pekko.toBinary(o);
  }

  @Override
  public boolean includeManifest() {
    return pekko.includeManifest();
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    Object message = pekko.fromBinary(bytes, scala.Option.apply(manifest));
    if (message instanceof Watch
        || message instanceof Unwatch
        || message instanceof DeathWatchNotification) {
      return message;
    }
    refusals.warn(
        "refused a system message from another node: "
            + message.getClass().getSimpleName()
            + " (only remote death watch is accepted)");
    throw new IllegalArgumentException(
        "system message " + message.getClass().getSimpleName() + " is not accepted from remote");
  }
}
