package org.zfleet.replication;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.zfleet.config.FilesystemFilter;
import org.zfleet.cycle.JobListing;
import org.zfleet.cycle.SenderFilesystem;
import org.zfleet.job.CyclePorts;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepOutput;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.ZfsPort;

/** Lists a snap or source job's own filesystems: those its filter selects, in one call. */
final class OwnListing implements StepWork {

  private final ZfsPort zfs;
  private final FilesystemFilter filter;
  private final Optional<String> prefix;

  OwnListing(ZfsPort zfs, FilesystemFilter filter, Optional<String> prefix) {
    this.zfs = zfs;
    this.filter = filter;
    this.prefix = prefix;
  }

  /** The selected filesystems with the marks of {@code marks}' destinations. */
  static List<SenderFilesystem> selected(
      ZfsPort zfs, FilesystemFilter filter, Map<String, ReplicationMarks> marks) {
    // The legacy names too, so a cursor an earlier version wrote is found and later retired.
    java.util.Set<String> properties = new java.util.HashSet<>();
    marks.values().forEach(m -> properties.addAll(m.listedProperties()));
    if (!marks.isEmpty()) {
      // Which snapshots are held: a push job releases the holds its cursors have moved past.
      properties.add(DatasetListing.USERREFS);
    }
    List<DatasetListing> listed =
        zfs.list(filter.roots(), properties).stream()
            .filter(d -> filter.selects(d.name()))
            .toList();
    return ListingValues.senders(listed, marks);
  }

  @Override
  public StepResult run(StepControl control) {
    control.progress().phase("listing");
    List<SenderFilesystem> own = selected(zfs, filter, Map.of());
    return StepResult.of("listed " + own.size() + " filesystem(s)")
        .with(new StepOutput.Listed(JobListing.own(prefix, own), CyclePorts.NONE));
  }
}
