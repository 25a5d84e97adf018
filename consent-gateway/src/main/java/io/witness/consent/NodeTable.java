package io.witness.consent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A session's DOM nodes by rrweb node id. rrweb numbers nodes from 1 upwards, so ids below {@link #DENSE_IDS} (nearly
 * all) sit in an array that grows to the highest id seen (no boxed key and no map entry per node: see
 * {@link DomNode}); other ids go to a map, so a hostile id costs one entry, not a huge array.
 */
final class NodeTable {
  static final int DENSE_IDS = 1 << 16;

  private DomNode[] dense = new DomNode[64];
  private final Map<Integer, DomNode> sparse = new HashMap<>();
  private int size;

  DomNode get(int id) {
    if (id >= 0 && id < DENSE_IDS) {
      return id < dense.length ? dense[id] : null;
    }
    return sparse.get(id);
  }

  void put(DomNode node) {
    int id = node.id;
    if (id >= 0 && id < DENSE_IDS) {
      if (id >= dense.length) {
        dense = Arrays.copyOf(dense, Math.min(DENSE_IDS, Math.max(id + 1, dense.length * 2)));
      }
      if (dense[id] == null) {
        size++;
      }
      dense[id] = node;
    } else if (sparse.put(id, node) == null) {
      size++;
    }
  }

  void remove(int id) {
    if (id >= 0 && id < DENSE_IDS) {
      if (id < dense.length && dense[id] != null) {
        dense[id] = null;
        size--;
      }
    } else if (sparse.remove(id) != null) {
      size--;
    }
  }

  void clear() {
    Arrays.fill(dense, null);
    sparse.clear();
    size = 0;
  }

  int size() {
    return size;
  }

  void forEach(Consumer<DomNode> action) {
    for (DomNode n : dense) {
      if (n != null) {
        action.accept(n);
      }
    }
    sparse.values().forEach(action);
  }
}
