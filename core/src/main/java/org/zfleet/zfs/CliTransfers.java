package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * The send and receive side of {@link ZfsCli}: streams, their size estimates, and resumable
 * receives (tokens, {@code send -t}, {@code receive -A}), each used only where the probed
 * capabilities have it and refused with {@link ZfsException.Unsupported} before anything runs where
 * they do not.
 */
final class CliTransfers {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CliTransfers.class);

  private final CliCommands zfs;
  private final ZfsCapabilities capabilities;

  CliTransfers(CliCommands zfs, ZfsCapabilities capabilities) {
    this.zfs = zfs;
    this.capabilities = capabilities;
  }

  SendProcess send(SendRequest request) {
    List<String> args = sendArguments(request);
    return new CliSendProcess(
        start("send", args, ProcessRunner.Stdio.READ_STDOUT), subject(request));
  }

  OptionalLong estimateSendSize(SendRequest request) {
    List<String> args = sendArguments(request);
    if (!capabilities.sendSizeEstimate()) {
      return OptionalLong.empty();
    }
    List<String> dryRun = new ArrayList<>(List.of("-n", "-P"));
    dryRun.addAll(args);
    return OptionalLong.of(
        TransferOutputParser.parseSendSize(zfs.zfs("send", subject(request), dryRun).stdout()));
  }

  /** The arguments after {@code zfs send}, once the request has been checked against this ZFS. */
  List<String> sendArguments(SendRequest request) {
    String subject = subject(request);
    if (!capabilities.sends(request.flags())) {
      Set<SendFlag> missing = EnumSet.allOf(SendFlag.class);
      missing.retainAll(request.flags());
      missing.removeAll(capabilities.sendFlags());
      throw unsupported(
          "send",
          subject,
          "this ZFS has no "
              + missing.stream()
                  .map(f -> "send " + f.option() + " (" + f.zreplName() + ")")
                  .toList());
    }
    List<String> args = new ArrayList<>();
    // In enum order: the same request always makes the same command line.
    for (SendFlag f : SendFlag.values()) {
      if (request.flags().contains(f)) {
        args.add(f.option());
      }
    }
    if (request.from().isPresent()) {
      FilesystemVersion from = request.from().get();
      if (from.kind() == FilesystemVersion.Kind.BOOKMARK && !capabilities.bookmarks()) {
        throw unsupported("send", subject, "this ZFS has no bookmarks to send from");
      }
      args.add(request.mode() == SendRequest.Mode.INTERMEDIATE ? "-I" : "-i");
      args.add(request.to().dataset().value() + from.relativeName());
    }
    args.add(request.to().full());
    return args;
  }

  /**
   * A receive that starts {@code zfs receive -u} only once the stream's first record has been read
   * and the target checked ({@link ReceiveGuard}), and that leaves a replica inert: by {@code -o}
   * at the receive where this ZFS has it, otherwise by {@code zfs set} right after (nothing is
   * mounted meanwhile). The target is asked of zfs just before the receive unless the caller's own
   * listing found no target ({@link ReceiveRequest#targetExists}): then the guard checks the stream
   * against an absent target, which refuses an incremental one; or found an inert replica ({@link
   * ReceiveRequest#listedInert}): then an increment is checked against its listed versions.
   */
  ReceiveProcess receive(ReceiveRequest request) {
    Map<String, String> properties = new TreeMap<>(request.properties());
    properties.forEach(
        (k, v) -> {
          ZfsNames.requireProperty(k);
          ZfsNames.requirePropertyValue(v);
        });
    String target = request.target().value();
    if (request.resumable() && !capabilities.resumableReceive()) {
      throw unsupported("receive", target, "this ZFS has no resumable receive (receive -s)");
    }
    return new CliReceiveProcess(
        target,
        stream -> {
          ReceiveTarget before;
          if (!request.targetExists().orElse(true)) {
            before = ReceiveTarget.ABSENT;
          } else if (request.listedInert().isPresent()
              && stream.incremental()
              && !request.force()) {
            before = ReceiveTarget.inertReplica(request.listedInert().get());
          } else {
            before =
                ReceiveTarget.parse(target, query(target, ReceiveTarget.queryArguments(target)));
          }
          ReceiveGuard.check(target, stream, before, request.force())
              .ifPresent(
                  refusal -> {
                    throw refusal;
                  });
          boolean unmountAfter =
              request.replica() && stream.incremental() && before.writableMount();
          if (unmountAfter) {
            // A replica from before receives were inert: discard what changed since its newest
            // snapshot (the stream's base, checked above) instead of receiving with -F. Read-only
            // first, so nothing changes it again before the stream goes in. It is unmounted last:
            // zfs-fuse tears a filesystem down only after `zfs unmount` has returned, and a
            // rollback or a receive that ends during that teardown fails with an I/O error
            // (measured: most receives did while the pool was busy), so both go into the
            // mounted filesystem, as zfs receives into any mounted target.
            String newest = target + "@" + before.newest().orElseThrow().name();
            log.info(
                "making a mounted replica inert target=\"{}\" rollback=\"{}\"", target, newest);
            zfs.zfs("set", target, List.of("readonly=on", target));
            zfs.zfs("rollback", newest, List.of(newest));
          }
          boolean overrides = receiveOverridesProperties();
          RunningProcess p =
              start(
                  "receive",
                  ReceiveArguments.of(
                      target,
                      request.force(),
                      overrides,
                      properties,
                      request.replica(),
                      request.resumable()),
                  ProcessRunner.Stdio.WRITE_STDIN);
          // What -o did not set: the request's properties on a new or overwritten target (zfs-fuse
          // has no receive -o), and whatever keeps the replica inert; a local mountpoint is
          // inherited in either case.
          Map<String, String> after = new LinkedHashMap<>();
          if (!overrides && (!before.exists() || request.force())) {
            after.putAll(properties);
          }
          Map<String, String> fixes =
              !request.replica()
                  ? Map.of()
                  : before.exists() ? ReceiveGuard.fixes(before) : ReceiveGuard.INERT;
          fixes.forEach(
              (k, v) -> {
                if (!overrides || v == null) {
                  after.put(k, v);
                }
              });
          return new CliReceiveProcess.Started(
              p,
              () -> {
                after.forEach(
                    (k, v) -> {
                      if (v == null) {
                        zfs.zfs("inherit", target, List.of(k, target));
                      } else {
                        zfs.zfs("set", target, List.of(k + "=" + v, target));
                      }
                    });
                if (!request.replica()) {
                  mountRestored(target);
                }
                if (unmountAfter) {
                  unmountReceived(target);
                }
              });
        },
        zfs.runner::execute);
  }

  /**
   * Unmounts a replica an earlier version left mounted, once its increment is in. One that cannot
   * be (a shell inside it) stays mounted read-only and is named in one line; the receive has
   * succeeded, and the next one tries again (zfs-fuse reports a mounted filesystem's readonly from
   * its read-write FUSE mount, so the replica still looks writable to it).
   */
  private void unmountReceived(String target) {
    try {
      zfs.zfs("unmount", target, List.of(target));
    } catch (ZfsException e) {
      log.warn(
          "received but still mounted read-only target=\"{}\" reason=\"{}\"",
          target,
          e.getMessage());
    }
  }

  /**
   * A restored filesystem (received {@code -u} like every stream) is mounted as its own properties
   * say; one that cannot be is named once, the restore itself has succeeded.
   */
  private void mountRestored(String target) {
    try {
      String[] values =
          zfs.zfs("get", target, List.of("-H", "-o", "value", "mounted,canmount", target))
              .stdout()
              .strip()
              .split("\\s+");
      if (values.length == 2 && values[0].equals("no") && values[1].equals("on")) {
        zfs.zfs("mount", target, List.of(target));
      }
    } catch (ZfsException e) {
      log.warn("restored but not mounted target=\"{}\" reason=\"{}\"", target, e.getMessage());
    }
  }

  /** The output of {@code zfs get ARGS} for {@code target}, empty if it does not exist. */
  private String query(String target, List<String> args) {
    try {
      return zfs.zfs("get", target, args).stdout();
    } catch (ZfsException.NotFound e) {
      return "";
    }
  }

  private volatile Boolean receiveOverrides;

  /** Whether {@code zfs receive} takes {@code -o}: read from the usage text on first need. */
  private boolean receiveOverridesProperties() {
    Boolean known = receiveOverrides;
    if (known == null) {
      ProcessResult usage =
          zfs.runner.run(List.of(zfs.config.zfsBinary().toString()), zfs.config.commandTimeout());
      known = ReceiveArguments.overridesProperties(usage.stderr() + usage.stdout());
      receiveOverrides = known;
    }
    return known;
  }

  Optional<ResumeToken> resumeToken(DatasetName target) {
    if (!capabilities.resumableReceive()) {
      return Optional.empty();
    }
    String value =
        zfs.zfs(
                "get",
                target.value(),
                List.of("-H", "-o", "value", "receive_resume_token", target.value()))
            .stdout()
            .strip();
    if (value.isEmpty() || value.equals("-")) {
      return Optional.empty();
    }
    if (ResumeToken.problem(value) != null) {
      throw new ZfsException.Failed(
          "zfs get receive_resume_token "
              + target
              + ": unexpected value: "
              + ResumeToken.problem(value),
          List.of(),
          "");
    }
    return decodeResumeToken(value);
  }

  Optional<ResumeToken> decodeResumeToken(String token) {
    if (!capabilities.resumableReceive() || ResumeToken.problem(token) != null) {
      return Optional.empty();
    }
    // -nv prints what the token holds, on stdout, before looking for the snapshot it names: read
    // it whatever the exit code (the receiving side has no such snapshot).
    ProcessResult decoded = zfs.run("send", List.of("-n", "-v", "-t", token));
    return Optional.of(TransferOutputParser.parseResumeToken(token, decoded.stdout()));
  }

  SendProcess resumeSend(ResumeToken token) {
    String subject = token.toName().orElse("(resume token)");
    if (!capabilities.resumableReceive()) {
      throw unsupported("send", subject, "this ZFS has no resumable send (send -t)");
    }
    return new CliSendProcess(
        start("send", List.of("-t", token.token()), ProcessRunner.Stdio.READ_STDOUT), subject);
  }

  void abortResumableReceive(DatasetName target) {
    if (!capabilities.resumableReceive()) {
      throw unsupported(
          "receive", target.value(), "this ZFS has no resumable receive (receive -A)");
    }
    ProcessResult r = zfs.run("receive", List.of("-A", target.value()));
    if (!r.succeeded()) {
      if (r.stderr().contains("does not have any resumable receive state")) {
        throw new ZfsException.NotFound(
            "zfs receive -A " + target + ": no partial receive to abort", r.command(), r.stderr());
      }
      throw CliCommands.failure("receive", target.value(), r);
    }
  }

  private RunningProcess start(String verb, List<String> args, ProcessRunner.Stdio stdio) {
    return zfs.runner.start(zfs.command(verb, args), zfs.config.transferTimeout(), stdio);
  }

  private static String subject(SendRequest request) {
    return request.to().full();
  }

  private static ZfsException unsupported(String verb, String subject, String why) {
    return new ZfsException.Unsupported("zfs " + verb + " " + subject + ": " + why, List.of(), "");
  }
}
