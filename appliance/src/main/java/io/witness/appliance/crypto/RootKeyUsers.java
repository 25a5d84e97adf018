package io.witness.appliance.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Root key versions still needed outside the database: the ingest journal wraps each segment's key under the root
 * key current when the segment began, and a rotation must not destroy that version until the segment is gone.
 * A rotation retires the old versions; each is destroyed as soon as no user reports it ({@link #released}).
 */
@ApplicationScoped
public class RootKeyUsers {
  @Inject KeyCustody custody;

  private final List<Supplier<Set<Integer>>> users = new CopyOnWriteArrayList<>();
  /** Versions a rotation replaced that are not destroyed yet. */
  private final Set<Integer> retired = new TreeSet<>();

  /** {@code user} reports the root versions it needs, whenever asked (it must be thread-safe). */
  public void register(Supplier<Set<Integer>> user) {
    users.add(user);
  }

  /** A user let go of versions: destroys the retired ones nobody needs now. */
  public void released() {
    synchronized (retired) {
      if (!retired.isEmpty()) {
        destroyRetired(Set.of());
      }
    }
  }

  /**
   * Retires {@code versions} and destroys every retired version no user needs; returns those destroyed (in
   * order). A version already destroyed (or never made) counts as destroyed.
   */
  List<Integer> destroyRetired(Set<Integer> versions) {
    synchronized (retired) {
      retired.addAll(versions);
      retired.remove(custody.currentVersion());
      Set<Integer> needed = new HashSet<>();
      users.forEach(u -> needed.addAll(u.get()));
      List<Integer> destroyed = new ArrayList<>();
      for (int v : List.copyOf(retired)) {
        if (needed.contains(v)) {
          continue;
        }
        try {
          custody.destroy(v);
        } catch (CustodyException alreadyGone) {
          // destroyed by an earlier rotation, or never made
        }
        retired.remove(v);
        destroyed.add(v);
      }
      return destroyed;
    }
  }

  /** Versions retired but kept because a user still needs them. */
  public Set<Integer> pending() {
    synchronized (retired) {
      return Set.copyOf(retired);
    }
  }
}
