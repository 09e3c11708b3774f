package org.zfleet.zfs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.zfleet.model.DatasetName;

/**
 * The one {@code zfs get -Hp -r} a subtree listing takes, whatever the number of datasets, and how
 * its answer is read. {@code zfs list} is not used: without {@code -p} (zfs-fuse) it prints
 * creation times to the minute and guids rounded.
 */
final class CliListing {

  private CliListing() {}

  /** Roots without those inside another root, so each dataset is listed once. */
  static List<DatasetName> outermost(Collection<DatasetName> roots) {
    TreeSet<DatasetName> sorted = new TreeSet<>(TreeOrder::compare);
    sorted.addAll(roots);
    List<DatasetName> out = new ArrayList<>();
    for (DatasetName d : sorted) {
      if (out.stream().noneMatch(d::isWithin)) {
        out.add(d);
      }
    }
    return out;
  }

  /** The listing of the subtrees under {@code roots} (none inside another). */
  static List<DatasetListing> list(
      CliCommands zfs,
      ZfsCapabilities capabilities,
      List<DatasetName> roots,
      Set<String> userProperties,
      BiConsumer<String, String> skipped) {
    List<String> command =
        zfs.command("get", arguments(roots, userProperties, capabilities.bookmarks()));
    ListingParser parser = new ListingParser(userProperties, skipped);
    ProcessResult r = zfs.runner.run(command, zfs.config.listTimeout(), parser::accept);
    return read(r, roots, parser);
  }

  /** The arguments after {@code zfs get}. */
  static List<String> arguments(
      List<DatasetName> roots, Set<String> userProperties, boolean bookmarks) {
    // userrefs, if asked for, is native but requested as a user property is (DatasetListing).
    List<String> properties = new ArrayList<>(ZfsOutputParser.LISTING_PROPERTIES);
    properties.addAll(new TreeSet<>(userProperties));
    List<String> args = new ArrayList<>(List.of("-Hp", "-r", "-o", "name,property,value,source"));
    if (bookmarks) {
      args.addAll(List.of("-t", "filesystem,volume,snapshot,bookmark"));
    }
    args.add(String.join(",", properties));
    roots.forEach(d -> args.add(d.value()));
    return args;
  }

  /**
   * The listing in tree order, from the command's result and the parser its output was fed to line
   * by line. A root that does not exist makes zfs exit with 1 after printing the others: that alone
   * is not an error.
   */
  static List<DatasetListing> read(ProcessResult r, List<DatasetName> roots, ListingParser parsed) {
    if (!r.succeeded() && !onlyMissingDatasets(r.stderr())) {
      String subject =
          roots.isEmpty()
              ? "every pool"
              : roots.get(0) + (roots.size() > 1 ? " and " + (roots.size() - 1) + " more" : "");
      throw ZfsErrorClassifier.classify("get", subject, r.command(), r.exitCode(), r.stderr());
    }
    List<DatasetListing> out = new ArrayList<>(parsed.result());
    out.sort((a, b) -> TreeOrder.compare(a.name(), b.name()));
    return List.copyOf(out);
  }

  static boolean onlyMissingDatasets(String stderr) {
    return !stderr.isBlank()
        && stderr
            .lines()
            .filter(l -> !l.isBlank())
            .allMatch(l -> l.startsWith("cannot open '") && l.endsWith("dataset does not exist"));
  }
}
