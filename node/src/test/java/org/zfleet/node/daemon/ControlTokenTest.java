package org.zfleet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlTokenTest {

  @TempDir Path dir;

  @Test
  void theDaemonMakesAnOwnerOnlyTokenOnceAndTheCommandLineReadsTheSame() throws IOException {
    Path data = dir.resolve("data");
    ControlToken made = ControlToken.createOrLoad(data);
    ControlToken again = ControlToken.createOrLoad(data);
    ControlToken read = ControlToken.load(data);

    assertThat(again.header()).isEqualTo(made.header());
    assertThat(read.header()).isEqualTo(made.header());
    assertThat(made.header()).matches("Bearer [0-9a-f]{64}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve(ControlToken.FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void aTokenOtherUsersCouldReadIsReplaced() throws IOException {
    Path file = dir.resolve(ControlToken.FILE);
    Files.writeString(file, "known-to-everyone");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    ControlToken token = ControlToken.createOrLoad(dir);

    assertThat(token.admits(Optional.of("Bearer known-to-everyone"))).isFalse();
    assertThat(Files.readString(file)).isNotEqualTo("known-to-everyone");
  }

  @Test
  void aSymlinkInPlaceOfTheTokenIsReplaced() throws IOException {
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "planted");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(dir.resolve(ControlToken.FILE), elsewhere);

    ControlToken token = ControlToken.createOrLoad(dir);

    assertThat(token.admits(Optional.of("Bearer planted"))).isFalse();
    assertThat(Files.isSymbolicLink(dir.resolve(ControlToken.FILE))).isFalse();
    assertThat(Files.readString(elsewhere)).isEqualTo("planted");
  }

  @Test
  void aDataDirOtherUsersMayWriteIsRefused() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> ControlToken.createOrLoad(dir)).hasMessageContaining("chmod go-w");
  }

  @Test
  void onlyTheExactBearerTokenIsAdmitted() {
    ControlToken token = ControlToken.random();
    String value = token.header().substring("Bearer ".length());
    assertThat(token.admits(Optional.of("Bearer " + value))).isTrue();
    assertThat(token.admits(Optional.empty())).isFalse();
    assertThat(token.admits(Optional.of(value))).isFalse();
    assertThat(token.admits(Optional.of("Basic " + value))).isFalse();
    assertThat(token.admits(Optional.of("Bearer " + value.substring(1)))).isFalse();
    assertThat(token.admits(Optional.of("Bearer " + value + "0"))).isFalse();
  }

  @Test
  void theCommandLineSaysWhyItCannotReadTheToken() {
    assertThatThrownBy(() -> ControlToken.load(dir.resolve("none")))
        .hasMessageContaining("the daemon makes it when it starts");
  }
}
