package org.zfleet.node.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code zfleet} command line. Exit codes: 0 = fine, 1 = the checked thing is wrong (or the
 * command failed), 2 = usage error.
 */
@Command(
    name = "zfleet",
    mixinStandardHelpOptions = true,
    // -h and --help work on every subcommand too (`zfleet signal --help`).
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = ZfleetCommand.VersionProvider.class,
    description = "ZFS snapshot, replication and retention for a cluster of backup nodes.",
    subcommands = {
      CommandLine.HelpCommand.class,
      VersionCommand.class,
      ConfigcheckCommand.class,
      ImportZreplCommand.class,
      DaemonCommand.class,
      SignalCommand.class,
      StatusCommand.class,
      CheckCommand.class,
      TestCommand.class,
      CertCommand.class,
      BackupsCommand.class,
      RestoreCommand.class,
    })
public final class ZfleetCommand implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line without exiting, for tests and embedding. */
  public static int execute(String... args) {
    return newCommandLine().execute(args);
  }

  /** Runs the command line with its output and error streams captured, for tests. */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = newCommandLine();
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new ZfleetCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Expected failures are one line, not a stack trace.
          commandLine.getErr().println("zfleet: " + messageOf(e));
          if (System.getenv("ZFLEET_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return EXIT_FAILED;
        });
    return cli;
  }

  static String messageOf(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** The project version, as filtered into version.properties at build time. */
  public static String version() {
    try (InputStream in =
        ZfleetCommand.class.getResourceAsStream("/org/zfleet/node/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"zfleet " + version()};
    }
  }
}
