package org.zfleet.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HelpOptionsTest {

  @ParameterizedTest
  @CsvSource({
    "'--help', 'Usage: zfleet '",
    "'signal --help', 'Usage: zfleet signal '",
    "'signal wakeup --help', 'Usage: zfleet signal wakeup '",
    "'test -h', 'Usage: zfleet test '",
    "'cert --help', 'Usage: zfleet cert '",
    "'cert create-node --help', 'Usage: zfleet cert create-node '",
    "'daemon --help', 'Usage: zfleet daemon '",
    "'status --help', 'Usage: zfleet status '",
    "'backups --help', 'Usage: zfleet backups '",
    "'backups mount --help', 'Usage: zfleet backups mount '",
    "'restore --help', 'Usage: zfleet restore '",
    "'cert renew-node --help', 'Usage: zfleet cert renew-node '",
  })
  void everyCommandAnswersHelpWithItsUsage(String args, String usage) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ZfleetCommand.execute(
            new PrintWriter(out, true), new PrintWriter(err, true), args.split(" "));
    assertThat(code).as(err.toString()).isEqualTo(ZfleetCommand.EXIT_OK);
    assertThat(out.toString()).startsWith(usage);
  }
}
