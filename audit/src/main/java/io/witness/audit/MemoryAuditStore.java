package io.witness.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link AuditStore} in memory: nothing survives the process. For tests, benchmarks and tools that build a log to
 * export it; the appliance keeps its log in its database. {@code failing} makes every write throw (to test fail
 * closed).
 */
public class MemoryAuditStore implements AuditStore {
  final List<Stored> entries = new ArrayList<>();
  final List<List<byte[]>> tiles = new ArrayList<>();
  final List<StoredCheckpoint> checkpoints = new ArrayList<>();
  volatile boolean failing;

  public MemoryAuditStore() {
    for (int i = 0; i <= 32; i++) {
      tiles.add(new ArrayList<>());
    }
  }

  @Override
  public synchronized long size() {
    return entries.size();
  }

  @Override
  public synchronized void append(List<Stored> batch, List<Tile> newTiles) {
    if (failing) {
      throw new IllegalStateException("store unavailable");
    }
    for (Stored s : batch) {
      if (s.seq() != entries.size() + 1) {
        throw new IllegalStateException("gap at " + s.seq());
      }
      entries.add(s);
    }
    for (Tile t : newTiles) {
      tiles.get(t.level()).add(t.hash());
    }
  }

  @Override
  public synchronized List<Stored> entries(long fromSeq, int limit) {
    int from = (int) Math.max(0, fromSeq - 1);
    return new ArrayList<>(entries.subList(Math.min(from, entries.size()), Math.min(entries.size(), from + limit)));
  }

  @Override
  public synchronized List<byte[]> leafHashes(long from, int count) {
    return entries.subList((int) from, (int) from + count).stream().map(Stored::leafHash).toList();
  }

  @Override
  public synchronized List<byte[]> tiles(int level, long from, int count) {
    return new ArrayList<>(tiles.get(level).subList((int) from, (int) from + count));
  }

  @Override
  public synchronized void addCheckpoint(StoredCheckpoint checkpoint) {
    if (failing) {
      throw new IllegalStateException("store unavailable");
    }
    checkpoints.add(checkpoint);
  }

  /** How many checkpoints are stored. */
  public synchronized int checkpointCount() {
    return checkpoints.size();
  }

  @Override
  public synchronized Optional<StoredCheckpoint> latestCheckpoint() {
    return checkpoints.isEmpty() ? Optional.empty() : Optional.of(checkpoints.get(checkpoints.size() - 1));
  }

  @Override
  public synchronized List<StoredCheckpoint> checkpoints(long fromSize, int limit) {
    return checkpoints.stream().filter(c -> c.size() >= fromSize).limit(limit).toList();
  }
}
