package org.zfleet.node.daemon;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.zfleet.config.JobConfig;
import org.zfleet.config.PushJob;
import org.zfleet.config.SendOptions;
import org.zfleet.config.SourceJob;
import org.zfleet.replication.NodePorts;
import org.zfleet.zfs.SendFlag;
import org.zfleet.zfs.SendFlagsPort;
import org.zfleet.zfs.ZfsException;
import org.zfleet.zfs.ZfsPort;

/** The ZFS port each job works with: the node's, with the job's {@code send} options. */
final class JobPorts {

  private JobPorts() {}

  /** What a job that sends nothing (snap, sink, pull) asks of sends: nothing. */
  private static final SendOptions NOT_SENDING =
      new SendOptions(false, false, false, SendOptions.Raw.OFF);

  /** The {@code send} section of a sending job; nothing for the others. */
  static SendOptions sendOptions(JobConfig job) {
    if (job instanceof PushJob push) {
      return push.send();
    }
    if (job instanceof SourceJob source) {
      return source.send();
    }
    return NOT_SENDING;
  }

  static Set<SendFlag> flags(SendOptions send) {
    Set<SendFlag> flags = EnumSet.noneOf(SendFlag.class);
    if (send.compressed()) {
      flags.add(SendFlag.COMPRESSED);
    }
    if (send.largeBlocks()) {
      flags.add(SendFlag.LARGE_BLOCKS);
    }
    if (send.embeddedData()) {
      flags.add(SendFlag.EMBEDDED_DATA);
    }
    if (send.raw() == SendOptions.Raw.ON) {
      flags.add(SendFlag.RAW);
    }
    return flags;
  }

  /**
   * {@code zfs} as {@code job} sees it: its send flags, and with {@code raw = auto} (the default)
   * raw sends of encrypted filesystems.
   */
  static ZfsPort of(ZfsPort zfs, JobConfig job) {
    SendOptions send = sendOptions(job);
    return SendFlagsPort.of(zfs, flags(send), send.raw() == SendOptions.Raw.AUTO);
  }

  /** The node's ports as {@code job} sees them: its ZFS with the job's send options. */
  static NodePorts of(NodePorts node, JobConfig job) {
    return new NodePorts(
        of(node.zfs(), job), node.sinks(), node.sources(), node.blocking(), node.hooks());
  }

  /**
   * Fails, naming the job and the option, if a job asks for a send option this ZFS does not have:
   * the daemon does not start rather than fail every transfer.
   */
  static void check(ZfsPort zfs, List<JobConfig> jobs) {
    for (JobConfig job : jobs) {
      try {
        of(zfs, job);
      } catch (ZfsException.Unsupported e) {
        throw new IllegalStateException(
            "job "
                + job.name()
                + ": send "
                + sendOptions(job).enabled()
                + " cannot be honoured: "
                + e.getMessage(),
            e);
      }
    }
  }
}
