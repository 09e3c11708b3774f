package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * The send and receive side of {@link ZfsCli}: streams, their size estimates, and resumable
 * receives (tokens, {@code send -t}, {@code receive -A}), each used only where the probed
 * capabilities have it and refused with {@link ZfsException.Unsupported} before anything runs where
 * they do not.
 */
final class CliTransfers {

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
   * @param exists tells whether the target exists, asked once the request has been checked: a new
   *     target gets the request's properties once received
   */
  ReceiveProcess receive(ReceiveRequest request, Predicate<DatasetName> exists) {
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
    boolean existed = request.targetExists().orElseGet(() -> exists.test(request.target()));
    List<String> args = new ArrayList<>();
    if (request.force()) {
      args.add("-F");
    }
    if (request.resumable()) {
      args.add("-s");
    }
    args.add(target);
    RunningProcess p = start("receive", args, ProcessRunner.Stdio.WRITE_STDIN);
    Runnable afterSuccess =
        () -> {
          if (!existed || request.force()) {
            // zfs-fuse has no receive -o: a new target gets its properties once it exists, and a
            // forced receive (into a placeholder, or rolling a replica back) gets them again.
            properties.forEach((k, v) -> zfs.zfs("set", target, List.of(k + "=" + v, target)));
          }
        };
    return new CliReceiveProcess(p, target, existed, afterSuccess, zfs.runner::execute);
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
    // -nv prints what the token holds, on stdout, before looking for the snapshot it names: read
    // it whatever the exit code (the receiving side has no such snapshot).
    ProcessResult decoded = zfs.run("send", List.of("-n", "-v", "-t", value));
    return Optional.of(TransferOutputParser.parseResumeToken(value, decoded.stdout()));
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
