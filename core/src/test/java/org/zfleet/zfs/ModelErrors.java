package org.zfleet.zfs;

import java.util.List;

/** The errors {@link InMemoryZfs} raises, worded like zfs-fuse's so messages read the same. */
final class ModelErrors {

  private ModelErrors() {}

  static ZfsException.NotFound notFound(String verb, String subject, String what) {
    return new ZfsException.NotFound(
        "zfs " + verb + " " + subject + ": cannot open '" + what + "': dataset does not exist",
        List.of(),
        "");
  }

  static ZfsException.AlreadyExists exists(String verb, String subject, String detail) {
    return new ZfsException.AlreadyExists(
        "zfs " + verb + " " + subject + ": " + detail, List.of(), "");
  }

  static ZfsException.Busy busy(String verb, String subject, String what) {
    return new ZfsException.Busy(
        "zfs " + verb + " " + subject + ": cannot destroy '" + what + "': dataset is busy",
        List.of(),
        "");
  }

  static ZfsException.StreamFailed stream(String verb, String subject, String detail) {
    return new ZfsException.StreamFailed(
        "zfs " + verb + " " + subject + ": " + detail, List.of(), "");
  }

  static ZfsException.Failed failed(String verb, String subject, String detail) {
    return new ZfsException.Failed("zfs " + verb + " " + subject + ": " + detail, List.of(), "");
  }
}
