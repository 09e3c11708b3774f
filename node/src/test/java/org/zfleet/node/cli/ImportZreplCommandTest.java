package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ImportZreplCommandTest {

  static final String ZREPL =
      """
      global:
        logging:
          - type: stdout
            level: info
            format: human
      jobs:
      - name: prod_to_backups
        type: push
        connect:
          type: ssh+stdinserver
          host: backups.example.com
          user: root
          port: 22
          identity_file: /etc/zrepl/ssh/identity
        filesystems: { "zroot/var/db<": true, "zroot/var/db/tmp": false }
        snapshotting: { type: periodic, prefix: zrepl_, interval: 10m }
        pruning:
          keep_sender:
          - type: not_replicated
          - type: last_n
            count: 10
          keep_receiver:
          - type: grid
            grid: 1x1h(keep=all) | 24x1h | 30x1d
            regex: "^zrepl_"
      - name: sink
        type: sink
        serve: { type: tls, listen: ":8888", ca: /a, cert: /b, key: /c, client_cns: [ prod ] }
        root_fs: storage/sink
      - name: src
        type: source
        serve: { type: tcp, listen: ":8889", clients: { "10.0.0.9": backup } }
        filesystems: { "zroot/www<": true }
        snapshotting: { type: cron, prefix: zrepl_www_, cron: "0 * * * *" }
      - name: pull
        type: pull
        connect: { type: tcp, address: "10.0.0.5:8888" }
        root_fs: storage/pull
        interval: 1h
        pruning:
          keep_sender: [ { type: regex, regex: ".*" } ]
          keep_receiver: [ { type: regex, regex: "^zrepl_", negate: true }, { type: last_n, count: 5 } ]
      - name: snap
        type: snap
        filesystems: { "zroot/home<": true }
        snapshotting: { type: periodic, prefix: zrepl_home_, interval: 15m }
        pruning:
          keep: [ { type: last_n, count: 96 } ]
      """;

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return ZfleetCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void printsHoconThatPassesConfigcheck() throws IOException {
    Path zrepl = Files.writeString(dir.resolve("zrepl.yml"), ZREPL);

    assertThat(run("import-zrepl", zrepl.toString())).isEqualTo(0);
    String hocon = out.toString();
    assertThat(hocon)
        .contains("# import-zrepl: global.logging: ")
        .contains(
            "# import-zrepl: jobs[0].connect: type ssh+stdinserver to backups.example.com: zfleet has no ssh transport")
        .contains("scope = all");
    assertThat(err.toString())
        .matches(
            "zfleet: \\d+ zrepl settings were not carried over; see the '# import-zrepl:' comments\\n");

    Path converted = Files.writeString(dir.resolve("zfleet.conf"), hocon);
    StringWriter checkOut = new StringWriter();
    int exit =
        ZfleetCommand.execute(
            new PrintWriter(checkOut, true),
            new PrintWriter(new StringWriter(), true),
            "configcheck",
            "--config",
            converted.toString());
    assertThat(exit).as(checkOut.toString()).isEqualTo(0);
    assertThat(checkOut.toString()).contains(": OK: node ").contains("5 jobs");
  }

  @Test
  void invalidYamlExitsOne() throws IOException {
    Path zrepl = Files.writeString(dir.resolve("zrepl.yml"), "jobs: [ { name: x\n");

    assertThat(run("import-zrepl", zrepl.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("zfleet: " + zrepl + ":").contains("not valid YAML");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingFileExitsOne() {
    Path zrepl = dir.resolve("nope.yml");

    assertThat(run("import-zrepl", zrepl.toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("zfleet: " + zrepl + ": no such file\n");
  }

  @Test
  void missingArgumentIsAUsageError() {
    assertThat(run("import-zrepl")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'FILE'");
  }
}
