package org.zfleet.node.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zfleet.node.cli.ZfleetCommand;

/**
 * The Debian package on this machine, as an operator meets it: built by {@code
 * deploy/package/build-deb.sh} from the jar this build made, installed with {@code dpkg -i}, its
 * command, configuration, unit (checked by {@code systemd-analyze verify}, and its {@code
 * ExecStart} run directly: systemd is not PID 1 here), then removed (the configuration stays) and
 * purged (it goes). Installs into the real /usr, /etc and /var/lib, so runs on one machine are
 * serialized by a lock file, and the package is purged whatever happens.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PackageIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path CONF = Path.of("/etc/zfleet/zfleet.conf");
  private static final Path UNIT = Path.of("/lib/systemd/system/zfleet.service");
  private static final Path LOCK = Path.of("/var/lock/zfleet-package-it.lock");

  /** The shipped configuration's ports: cluster, management, data plane, control. */
  private static final List<Integer> PORTS = List.of(25520, 26520, 27520, 28520);

  @TempDir Path work;

  @Test
  void installsRunsKeepsTheOperatorsConfigurationAndPurgesCleanly() throws Exception {
    try (FileChannel channel =
            FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      try {
        lifecycle();
      } finally {
        run(Duration.ofMinutes(2), "dpkg", "-P", "zfleet");
      }
    }
  }

  private void lifecycle() throws Exception {
    Result built =
        run(Duration.ofMinutes(3), "bash", "deploy/package/build-deb.sh", work.toString());
    expectOk("build-deb.sh", built);
    Path deb = Path.of(built.output.strip().lines().reduce((a, b) -> b).orElseThrow());
    String version = ZfleetCommand.version();
    assertThat(deb.getFileName().toString())
        .isEqualTo("zfleet_" + version.replace('-', '~') + "_all.deb");

    expectOk("dpkg -i", run(Duration.ofMinutes(2), "dpkg", "-i", deb.toString()));
    assertInstalledFiles();
    assertUnitVerifies();

    Result versionOut = run(Duration.ofMinutes(1), "zfleet", "--version");
    expectOk("zfleet --version", versionOut);
    assertThat(versionOut.output.strip()).isEqualTo("zfleet " + version);
    // No --config: the installed configuration.
    Result check = run(Duration.ofMinutes(1), "zfleet", "configcheck");
    expectOk("zfleet configcheck", check);
    assertThat(check.output).contains(CONF + ": OK: node ");

    runTheUnitsExecStart();

    String operators = Files.readString(CONF) + "# the operator's own line\n";
    Files.writeString(CONF, operators);
    expectOk(
        "dpkg -i over a changed configuration",
        run(Duration.ofMinutes(2), "dpkg", "-i", deb.toString()));
    assertThat(Files.readString(CONF)).as("the operator's configuration").isEqualTo(operators);

    expectOk("dpkg -r", run(Duration.ofMinutes(2), "dpkg", "-r", "zfleet"));
    assertThat(Path.of("/usr/bin/zfleet")).doesNotExist();
    assertThat(Files.readString(CONF)).as("configuration after dpkg -r").isEqualTo(operators);

    expectOk("dpkg -P", run(Duration.ofMinutes(2), "dpkg", "-P", "zfleet"));
    assertThat(CONF).as("configuration after dpkg -P").doesNotExist();
    assertThat(Path.of("/var/lib/zfleet")).as("data-dir after dpkg -P").doesNotExist();
    assertThat(run(Duration.ofMinutes(1), "dpkg-query", "-W", "zfleet").code)
        .as("dpkg still knows zfleet after a purge")
        .isNotZero();
  }

  private void assertInstalledFiles() throws IOException {
    for (String file :
        List.of(
            "/usr/bin/zfleet",
            "/usr/share/zfleet/zfleet-cli.jar",
            UNIT.toString(),
            CONF.toString(),
            "/usr/share/man/man1/zfleet.1.gz",
            "/usr/share/man/man1/zfleet-daemon.1.gz",
            "/usr/share/bash-completion/completions/zfleet",
            "/usr/share/doc/zfleet/examples/production-push.conf")) {
      assertThat(Path.of(file)).as(file).isRegularFile();
    }
    assertThat(Files.isExecutable(Path.of("/usr/bin/zfleet"))).isTrue();
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of("/var/lib/zfleet"))))
        .isEqualTo("rwxr-x---");
    assertThat(
            run(Duration.ofMinutes(1), "dpkg-query", "-W", "-f", "${Conffiles}", "zfleet").output)
        .contains(CONF.toString());
    Result man = run(Duration.ofMinutes(1), "man", "-P", "cat", "zfleet-status");
    expectOk("man zfleet-status", man);
    assertThat(man.output).contains("/etc/zfleet/zfleet.conf");
    Result completion =
        run(
            Duration.ofMinutes(1),
            "bash",
            "-c",
            "source /usr/share/bash-completion/completions/zfleet && complete -p zfleet");
    expectOk("bash completion", completion);
    assertThat(completion.output).contains("zfleet");
  }

  private void assertUnitVerifies() throws IOException {
    if (run(Duration.ofMinutes(1), "sh", "-c", "command -v systemd-analyze").code != 0) {
      expectOk(
          "apt-get install systemd (for systemd-analyze)",
          run(Duration.ofMinutes(5), "apt-get", "install", "-y", "-qq", "systemd"));
    }
    Result verify = run(Duration.ofMinutes(1), "systemd-analyze", "verify", UNIT.toString());
    expectOk("systemd-analyze verify", verify);
    assertThat(verify.output.strip()).as("systemd-analyze verify says").isEmpty();
    String unit = Files.readString(UNIT);
    assertThat(unit)
        .contains(
            "Restart=always", "ProtectSystem=", "NoNewPrivileges=yes", "DeviceAllow=/dev/zfs");
  }

  /** The unit's ExecStart with its Environment, as systemd would run it; answers, then stops. */
  private void runTheUnitsExecStart() throws Exception {
    List<String> lines = Files.readAllLines(UNIT);
    String execStart = value(lines, "ExecStart=");
    String environment = value(lines, "Environment=");
    awaitPortsFree();
    ProcessBuilder builder =
        new ProcessBuilder(List.of(execStart.split(" ")))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("daemon.log").toFile());
    Map<String, String> env = builder.environment();
    int eq = environment.indexOf('=');
    env.put(environment.substring(0, eq), environment.substring(eq + 1));
    Process daemon = builder.start();
    try {
      Result status = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline && daemon.isAlive()) {
        status = run(Duration.ofMinutes(1), "zfleet", "status");
        if (status.code == 0) {
          break;
        }
        Thread.sleep(500);
      }
      if (status == null || status.code != 0) {
        fail(
            "the installed daemon did not answer `zfleet status`: "
                + (status == null ? "" : status.output)
                + "\n--- its output:\n"
                + Files.readString(work.resolve("daemon.log")));
      }
      assertThat(status.output).startsWith("node ");
    } finally {
      daemon.destroy();
      assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("the daemon stops on SIGTERM").isTrue();
    }
    assertThat(daemon.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
  }

  private static String value(List<String> unit, String key) {
    return unit.stream()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("the unit has no " + key));
  }

  /** The shipped configuration has fixed ports; another test may hold one for a moment. */
  private static void awaitPortsFree() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<Integer> busy = busyPorts();
    while (!busy.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      busy = busyPorts();
    }
    if (!busy.isEmpty()) {
      fail("ports of the shipped configuration are in use on 127.0.0.1: " + busy);
    }
  }

  private static List<Integer> busyPorts() {
    List<Integer> busy = new ArrayList<>();
    for (int port : PORTS) {
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.getLocalPort();
      } catch (IOException e) {
        busy.add(port);
      }
    }
    return busy;
  }

  private record Result(int code, String output) {}

  private static void expectOk(String what, Result result) {
    if (result.code != 0) {
      fail(what + " exited " + result.code + ":\n" + result.output);
    }
  }

  /** Runs a command in the repository's root with stdin closed; stdout and stderr together. */
  private static Result run(Duration timeout, String... command) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = builder.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + ": no end within " + timeout);
      }
      return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
