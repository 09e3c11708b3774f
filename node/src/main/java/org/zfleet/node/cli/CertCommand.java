package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.zfleet.node.WallClock;
import org.zfleet.node.tls.NodeCertificateRenewal;
import org.zfleet.node.tls.NodeCertificates;
import org.zfleet.node.tls.NodeIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zfleet cert}: the CA and node certificates nodes authenticate each other with. */
@Command(
    name = "cert",
    description = "Create the certificates nodes use to authenticate each other.",
    subcommands = {
      CertCommand.CreateCa.class,
      CertCommand.CreateNode.class,
      CertCommand.RenewNode.class
    })
final class CertCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  private static NodeCertificates certificates() {
    return new NodeCertificates(WallClock.clock(), new SecureRandom());
  }

  @Command(
      name = "create-ca",
      description =
          "Create the cluster CA: DIR/ca.crt and DIR/ca.key. An existing CA is never replaced.")
  static final class CreateCa implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "Where the certificates live.")
    Path dir;

    @Override
    public Integer call() {
      NodeCertificates.Written written = certificates().createCa(dir);
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + written.certificate() + " and " + written.key() + " (mode 0600)");
      out.println("keep " + written.key() + " safe: whoever holds it can add nodes to the cluster");
      return ZfleetCommand.EXIT_OK;
    }
  }

  @Command(
      name = "create-node",
      description =
          "Create DIR/NAME.crt and DIR/NAME.key, signed by the CA in DIR. NAME is the node's identity.")
  static final class CreateNode implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The node's name (a valid ZFS dataset component).")
    String name;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "Where the CA and certificates live.")
    Path dir;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description =
            "A DNS name or IP address the node is reached at; repeatable (default: localhost, 127.0.0.1).")
    List<String> hosts = new ArrayList<>();

    @Override
    public Integer call() {
      String problem = NodeIdentity.problem(name);
      if (problem != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "invalid node name \"" + name + "\": " + problem);
      }
      NodeCertificates.Written written =
          certificates().createNode(dir, NodeIdentity.of(name), hosts);
      spec.commandLine()
          .getOut()
          .println("wrote " + written.certificate() + " and " + written.key() + " (mode 0600)");
      return ZfleetCommand.EXIT_OK;
    }
  }

  @Command(
      name = "renew-node",
      description = {
        "Renew DIR/NAME.crt and DIR/NAME.key: same identity and host names, a new key and validity,"
            + " signed by the unchanged CA in DIR.",
        "The previous files are kept as NAME.crt.old and NAME.key.old; restart the node to use the"
            + " new ones."
      })
  static final class RenewNode implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The node's name.")
    String name;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "Where the CA and certificates live.")
    Path dir;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description = "Host names for the new certificate; repeatable (default: the current ones).")
    List<String> hosts = new ArrayList<>();

    @Override
    public Integer call() {
      String problem = NodeIdentity.problem(name);
      if (problem != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "invalid node name \"" + name + "\": " + problem);
      }
      NodeCertificateRenewal.Renewed renewed =
          new NodeCertificateRenewal(certificates()).renew(dir, NodeIdentity.of(name), hosts);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "renewed "
              + renewed.written().certificate()
              + " and "
              + renewed.written().key()
              + " (valid until "
              + renewed.notAfter()
              + "); the previous ones are "
              + renewed.previousCertificate()
              + " and "
              + renewed.previousKey());
      out.println(
          "restart node " + name + " to use them (its peers need no change: the CA is the same)");
      return ZfleetCommand.EXIT_OK;
    }
  }
}
