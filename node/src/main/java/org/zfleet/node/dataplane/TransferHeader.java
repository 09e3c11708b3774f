package org.zfleet.node.dataplane;

import java.util.Objects;
import org.zfleet.model.DatasetName;

/**
 * What a connecting node asks of the data plane, sent before any data: the kind of request, the job
 * it belongs to, the dataset to receive into, a description of the step (for logs and the receiving
 * side's bookkeeping, e.g. "@a..@b"), and whether the receive may roll the target back ({@code zfs
 * receive -F}; the sender's plan decides, the receiving side still checks the target), and whether
 * it may be received resumably ({@code receive -s}, where the receiving side's ZFS can).
 */
public record TransferHeader(
    Kind kind, String job, DatasetName target, String step, boolean force, boolean resumable) {

  public static final int MAX_JOB_LENGTH = 256;
  public static final int MAX_STEP_LENGTH = 1024;

  /** The request kinds; the code is what goes on the wire. */
  public enum Kind {
    /** The connecting node sends a stream for the serving node to receive. */
    RECEIVE(1);

    final int code;

    Kind(int code) {
      this.code = code;
    }

    static Kind ofCode(int code) {
      for (Kind kind : values()) {
        if (kind.code == code) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown request kind " + code);
    }
  }

  public TransferHeader {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    requireText("job", job, MAX_JOB_LENGTH, false);
    requireText("step", step, MAX_STEP_LENGTH, true);
  }

  /** Neither {@code -F} nor resumable. */
  public TransferHeader(Kind kind, String job, DatasetName target, String step, boolean force) {
    this(kind, job, target, step, force, false);
  }

  /** A receive without {@code -F}. */
  public static TransferHeader receive(String job, DatasetName target, String step) {
    return new TransferHeader(Kind.RECEIVE, job, target, step, false);
  }

  public TransferHeader withForce(boolean force) {
    return new TransferHeader(kind, job, target, step, force, resumable);
  }

  public TransferHeader withResumable(boolean resumable) {
    return new TransferHeader(kind, job, target, step, force, resumable);
  }

  private static void requireText(String field, String value, int max, boolean mayBeEmpty) {
    Objects.requireNonNull(value, field);
    if (!mayBeEmpty && value.isBlank()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(field + " is longer than " + max + " characters");
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(field + " contains control characters");
    }
  }
}
