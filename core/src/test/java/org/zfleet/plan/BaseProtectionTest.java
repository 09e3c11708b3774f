package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.plan.VersionNotation.find;
import static org.zfleet.plan.VersionNotation.guid;
import static org.zfleet.plan.VersionNotation.receiver;
import static org.zfleet.plan.VersionNotation.sender;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BaseProtectionTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            Named.of("newest common, not the newest sender snapshot", sender("@a", "@b", "@c")),
            receiver("@a", "@b"),
            "@b",
            "@b"),
        Arguments.of(
            Named.of("snapshot preferred to its bookmark", sender("@a", "#a")),
            receiver("@a"),
            "@a",
            "@a"),
        Arguments.of(
            Named.of("only a bookmark left on the sender", sender("#a", "@b")),
            receiver("@a"),
            "#a",
            "@a"),
        Arguments.of(
            Named.of("diverged receiver still reports the common one", sender("@a", "@b")),
            receiver("@a", "@r"),
            "@a",
            "@a"),
        Arguments.of(
            Named.of("matched by guid across names", sender("@x~a", "@b")),
            receiver("@a"),
            "@x",
            "@a"),
        Arguments.of(Named.of("nothing in common", sender("@a")), receiver("@z"), null, null),
        Arguments.of(
            Named.of("receiver bookmark is not a base", sender("@a")), receiver("#a"), null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void newestCommon(
      List<FilesystemVersion> s, List<FilesystemVersion> r, String onSender, String onReceiver) {
    var common = BaseProtection.newestCommon(s, r);
    if (onSender == null) {
      assertThat(common).isEmpty();
      assertThat(BaseProtection.keptOnReceiver(s, r)).isEmpty();
      return;
    }
    assertThat(common).contains(new CommonBase(find(s, onSender), find(r, onReceiver)));
    assertThat(BaseProtection.keptOnReceiver(s, r)).containsExactly(common.get().guid());
  }

  @Test
  void senderAlsoKeepsTheCursor() {
    var s = sender("@a", "@b", "@c");
    var r = receiver("@a", "@b");
    assertThat(BaseProtection.keptOnSender(s, r, OptionalLong.empty()))
        .isEqualTo(Set.of(guid("b")));
    assertThat(BaseProtection.keptOnSender(s, r, OptionalLong.of(guid("c"))))
        .isEqualTo(Set.of(guid("b"), guid("c")));
  }
}
