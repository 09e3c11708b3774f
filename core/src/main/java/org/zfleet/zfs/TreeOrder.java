package org.zfleet.zfs;

import java.util.List;
import org.zfleet.model.DatasetName;

/** Orders datasets as a tree is walked: a parent before its children, siblings by name. */
final class TreeOrder {

  private TreeOrder() {}

  static int compare(DatasetName a, DatasetName b) {
    List<String> x = a.components();
    List<String> y = b.components();
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      int c = x.get(i).compareTo(y.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }
}
