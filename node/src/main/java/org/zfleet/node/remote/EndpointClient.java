package org.zfleet.node.remote;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.zfleet.endpoint.AccessRefused;
import org.zfleet.node.dataplane.PeerAddress;
import org.zfleet.node.dataplane.RequestChannel;
import org.zfleet.replication.ReceiverDirectory;
import org.zfleet.zfs.ZfsException;

/**
 * Asks a sink or source job on another node over the data plane, on kept connections: a node that
 * does not answer is {@link ReceiverDirectory.Unavailable}, a refusal comes back as {@link
 * AccessRefused}, a ZFS failure as the same {@link ZfsException} a local port throws.
 */
public final class EndpointClient {

  private final RequestChannel channel;

  public EndpointClient(RequestChannel channel) {
    this.channel = channel;
  }

  /** The reply to {@code request}; {@code whom} and {@code what} name both in failures. */
  EndpointReply call(
      PeerAddress peer, EndpointRequest request, Duration timeout, String whom, String what) {
    try {
      return EndpointCodec.reply(channel.call(peer, EndpointCodec.write(request), timeout));
    } catch (IOException e) {
      throw new ReceiverDirectory.Unavailable(
          whom + " did not answer " + what + ": " + e.getMessage());
    }
  }

  /** Like {@link #call} on a connection of its own, for a request that takes long (a send). */
  EndpointReply callOnce(
      PeerAddress peer, EndpointRequest request, Duration timeout, String whom, String what) {
    try {
      return EndpointCodec.reply(channel.callOnce(peer, EndpointCodec.write(request), timeout));
    } catch (IOException e) {
      throw new ReceiverDirectory.Unavailable(
          whom + " did not answer " + what + ": " + e.getMessage());
    }
  }

  /** Fails unless {@code reply} is a {@link EndpointReply.Done}. */
  static void done(EndpointReply reply, String whom, String what) {
    if (!(reply instanceof EndpointReply.Done)) {
      throw unexpected(reply, whom, what);
    }
  }

  /** What a reply other than the one expected means to the caller. */
  static RuntimeException unexpected(EndpointReply reply, String whom, String what) {
    if (reply instanceof EndpointReply.Refused refused) {
      return new AccessRefused(
          refused.identity(), refused.dataset(), refused.reason() + " (" + whom + ")");
    }
    if (reply instanceof EndpointReply.Failed failed) {
      return failure(whom, failed);
    }
    return new IllegalStateException(whom + " answered " + what + " with " + reply);
  }

  /** The remote endpoint's ZFS error as the exception the local port would have thrown. */
  static ZfsException failure(String whom, EndpointReply.Failed failed) {
    String message = whom + ": " + failed.message();
    List<String> command = List.of();
    String stderr = failed.stderr();
    return switch (String.valueOf(failed.error())) {
      case "NotFound" -> new ZfsException.NotFound(message, command, stderr);
      case "Busy" -> new ZfsException.Busy(message, command, stderr);
      case "AlreadyExists" -> new ZfsException.AlreadyExists(message, command, stderr);
      case "PermissionDenied" -> new ZfsException.PermissionDenied(message, command, stderr);
      case "Unsupported" -> new ZfsException.Unsupported(message, command, stderr);
      case "Unavailable" -> new ZfsException.Unavailable(message, command, stderr, null);
      case "Timeout" -> new ZfsException.Timeout(message, command, stderr);
      case "StreamFailed" -> new ZfsException.StreamFailed(message, command, stderr);
      default -> new ZfsException.Failed(message, command, stderr);
    };
  }
}
