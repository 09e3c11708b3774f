package org.zfleet.zfs;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;

/**
 * One dataset of a listing: its versions ordered by createtxg, its requested user properties (only
 * those set on the dataset itself, never values inherited from a parent: a placeholder's role must
 * not pass to a dataset someone else created below it), and the requested user properties of each
 * snapshot by short name (set on the snapshot or inherited from its dataset). Where they were asked
 * for, a filesystem's properties also hold its {@link #RESUME_TOKEN} and {@link #RECEIVE_STATE}.
 */
public record DatasetListing(
    DatasetName name,
    Type type,
    List<FilesystemVersion> versions,
    Map<String, String> properties,
    Map<String, Map<String, String>> versionProperties) {

  /**
   * Asked for among a listing's properties, the number of user holds on each snapshot is read too,
   * and a held snapshot's {@link #versionProperties} carry it under this name (a native property:
   * no user property has a name without a colon).
   */
  public static final String USERREFS = "userrefs";

  /**
   * Asked for among a listing's properties (where the ZFS has resumable receive), a dataset that
   * holds an interrupted resumable receive carries its token under this name: a filesystem a cut
   * full receive was creating is listed, without snapshots, until the receive is resumed or
   * aborted.
   */
  public static final String RESUME_TOKEN = "receive_resume_token";

  /**
   * Asked for among a listing's properties, each filesystem also carries the native properties that
   * keep a replica inert (their values; {@code mountpoint} only where set on the filesystem
   * itself): what the receiving node's own listing needs to know that a replica is still as zfleet
   * left it ({@link #inertReplica}), so that an increment into it need not ask zfs again.
   */
  public static final Set<String> RECEIVE_STATE =
      Set.of("canmount", "readonly", "setuid", "exec", "devices", "mountpoint", "mounted");

  public enum Type {
    FILESYSTEM,
    VOLUME
  }

  public DatasetListing {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    versions = List.copyOf(versions);
    properties = Map.copyOf(properties);
    versionProperties = Map.copyOf(versionProperties);
  }

  /**
   * The user holds on snapshot {@code name} (its short name), when the listing asked for {@link
   * #USERREFS}; 0 otherwise.
   */
  public int userRefs(String name) {
    Map<String, String> props = versionProperties.get(name);
    String value = props == null ? null : props.get(USERREFS);
    return value == null ? 0 : Integer.parseInt(value);
  }

  /**
   * Whether this dataset holds an interrupted resumable receive (when {@link #RESUME_TOKEN} was
   * asked for).
   */
  public boolean holdsPartialReceive() {
    return properties.containsKey(RESUME_TOKEN);
  }

  /**
   * Whether this filesystem, listed with {@link #RECEIVE_STATE}, is an inert replica: unmounted or
   * read-only, nothing executable, no mountpoint of its own (as every receive leaves one). False
   * when the receive state was not asked for.
   */
  public boolean inertReplica() {
    for (String p : RECEIVE_STATE) {
      if (!p.equals("mountpoint") && !properties.containsKey(p)) {
        return false;
      }
    }
    return ReceiveGuard.inert(ReceiveTarget.listed(this));
  }
}
