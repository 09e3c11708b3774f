package org.zfleet.plan;

import java.util.Objects;
import java.util.Optional;

/**
 * What the receiver's dataset is, as far as zfleet is concerned, read from the {@value
 * #ROLE_PROPERTY} user property that zfleet sets on every dataset it creates or receives.
 *
 * <p>The role must be read from the dataset's <em>local</em> value ({@code zfs get -s local}): user
 * properties are inherited, and a child received under a placeholder inherits {@code placeholder}
 * until its own role is set.
 */
public enum ReceiverState {
  /** No dataset at the receiver path yet. */
  ABSENT,
  /** Created by zfleet to hold nested filesystems; not mounted; normally without snapshots. */
  PLACEHOLDER,
  /** Created by a zfleet receive. */
  REPLICA,
  /** Exists without zfleet's role: zfleet never receives into it. */
  FOREIGN;

  public static final String ROLE_PROPERTY = "zfleet:role";
  public static final String ROLE_PLACEHOLDER = "placeholder";
  public static final String ROLE_REPLICA = "replica";

  /**
   * The state of a receiver dataset from whether it exists and its local {@value #ROLE_PROPERTY}.
   */
  public static ReceiverState of(boolean exists, Optional<String> localRole) {
    Objects.requireNonNull(localRole, "localRole");
    if (!exists) {
      return ABSENT;
    }
    return localRole
        .map(
            role ->
                switch (role) {
                  case ROLE_PLACEHOLDER -> PLACEHOLDER;
                  case ROLE_REPLICA -> REPLICA;
                  // An unknown value was not written by this version of zfleet: do not touch.
                  default -> FOREIGN;
                })
        .orElse(FOREIGN);
  }
}
