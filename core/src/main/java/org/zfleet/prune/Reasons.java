package org.zfleet.prune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The keep reasons gathered per input index; most snapshots of a big list collect none. */
final class Reasons {

  private final List<List<KeepReason>> byIndex;

  Reasons(int size) {
    byIndex = new ArrayList<>(Collections.nCopies(size, null));
  }

  void add(int index, KeepReason reason) {
    List<KeepReason> list = byIndex.get(index);
    if (list == null) {
      list = new ArrayList<>(2);
      byIndex.set(index, list);
    }
    list.add(reason);
  }

  List<KeepReason> of(int index) {
    List<KeepReason> list = byIndex.get(index);
    return list == null ? List.of() : list;
  }
}
