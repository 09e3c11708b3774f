package org.zfleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zfleet.plan.VersionNotation.sender;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zfleet.model.FilesystemVersion;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PlanJsonTest {

  private static final List<FilesystemVersion> V = sender("@a", "#b", "@c", "@d");

  static Stream<Arguments> plans() {
    return Stream.of(
        Arguments.of(
            Named.of("up to date", new Plan.UpToDate()),
            "{\"result\": \"up-to-date\", \"steps\": [], \"reason\": null}"),
        Arguments.of(
            Named.of(
                "full then -I",
                new Plan.Steps(
                    List.of(Step.full(V.get(0)), Step.intermediate(V.get(0), V.get(3))))),
            "{\"result\": \"steps\", \"steps\": [{\"from\": null, \"to\": \"@a\", \"flag\":"
                + " \"full\"}, {\"from\": \"@a\", \"to\": \"@d\", \"flag\": \"-I\"}], \"reason\":"
                + " null}"),
        Arguments.of(
            Named.of(
                "forced full renders as full",
                new Plan.Steps(List.of(Step.fullIntoPlaceholder(V.get(2))))),
            "{\"result\": \"steps\", \"steps\": [{\"from\": null, \"to\": \"@c\", \"flag\":"
                + " \"full\"}], \"reason\": null}"),
        Arguments.of(
            Named.of(
                "-i from a bookmark",
                new Plan.Steps(List.of(Step.incremental(V.get(1), V.get(2))))),
            "{\"result\": \"steps\", \"steps\": [{\"from\": \"#b\", \"to\": \"@c\", \"flag\":"
                + " \"-i\"}], \"reason\": null}"),
        Arguments.of(
            Named.of(
                "conflict with escaped reason",
                new Plan.Conflict(
                    Plan.Reason.NO_COMMON_SNAPSHOT, "say \"hi\" \\ to\n\ttab\u0001 and \u00e9")),
            "{\"result\": \"conflict\", \"steps\": [], \"reason\": \"no common snapshot: say"
                + " \\\"hi\\\" \\\\ to\\n"
                + "\\ttab\\u0001 and \u00e9\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void rendersTheDocumentedShape(Plan plan, String json) {
    assertThat(PlanJson.render(plan)).isEqualTo(json);
  }
}
