package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.zfleet.model.DatasetName;

/**
 * The sizes {@link ZfsCli} reads: the space each dataset of a subtree uses ({@code zfs get -r
 * used}, one process) and one size property of a dataset or snapshot for progress estimates.
 */
final class CliSizes {

  private static final Set<String> SIZE_PROPERTIES =
      Set.of("used", "referenced", "written", "logicalreferenced");

  private CliSizes() {}

  static Map<DatasetName, Long> spaceUsed(CliCommands commands, Collection<DatasetName> roots) {
    List<DatasetName> outermost = CliListing.outermost(roots);
    if (outermost.isEmpty()) {
      return Map.of();
    }
    List<String> args = new ArrayList<>(List.of("-Hp", "-r", "-o", "name,value", "used"));
    outermost.forEach(d -> args.add(d.value()));
    List<String> command = commands.command("get", args);
    ProcessResult r = commands.runner.run(command, commands.config.listTimeout());
    if (!r.succeeded() && !CliListing.onlyMissingDatasets(r.stderr())) {
      throw ZfsErrorClassifier.classify(
          "get", outermost.get(0).value(), command, r.exitCode(), r.stderr());
    }
    return ZfsOutputParser.parseSpaceUsed(r.stdout());
  }

  /** Empty where this ZFS does not have the property (or the dataset is gone). */
  static OptionalLong sizeProperty(
      CliCommands commands, String datasetOrSnapshot, String property) {
    String target = ZfsNames.requireDatasetOrSnapshot(datasetOrSnapshot);
    if (!SIZE_PROPERTIES.contains(property)) {
      throw new IllegalArgumentException("not a size property: " + property);
    }
    List<String> command = commands.command("get", List.of("-Hp", "-o", "value", property, target));
    ProcessResult r = commands.runner.run(command, commands.config.commandTimeout());
    String value = r.stdout().strip();
    return r.succeeded() && value.matches("\\d{1,19}")
        ? OptionalLong.of(Long.parseLong(value))
        : OptionalLong.empty();
  }
}
