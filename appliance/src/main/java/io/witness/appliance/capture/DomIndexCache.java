package io.witness.appliance.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.witness.appliance.recording.RecordingStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link DomIndex} of each live session, so that a click in batch 7 can be named by the snapshot of batch 0.
 * Bounded (least recently used sessions are dropped); a session that is not cached (after a restart or an
 * eviction) is rebuilt from its stored events on its next batch. A session's first batch (seq 0) starts with a
 * full snapshot, so it gets a new index without looking for stored events (most sessions, one query each saved).
 */
@ApplicationScoped
class DomIndexCache {
  private static final int MAX_SESSIONS = 512;

  @Inject RecordingStore store;

  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, DomIndex> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, DomIndex> eldest) {
      return size() > MAX_SESSIONS;
    }
  };

  DomIndex forSession(String siteId, String sessionKey, boolean firstBatch) {
    String key = siteId + ":" + sessionKey;
    synchronized (cache) {
      DomIndex d = cache.get(key);
      if (d != null) {
        return d;
      }
    }
    DomIndex built = firstBatch ? new DomIndex() : rebuild(siteId, sessionKey);
    synchronized (cache) {
      return cache.computeIfAbsent(key, k -> built);
    }
  }

  private DomIndex rebuild(String siteId, String sessionKey) {
    DomIndex dom = new DomIndex();
    Optional<RecordingStore.EventStream> events = store.storedLiveEvents(siteId, sessionKey);
    if (events.isEmpty()) {
      return dom;
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      events.get().writeTo(out);
      try (JsonParser p = mapper.getFactory().createParser(out.toByteArray())) {
        p.nextToken();
        while (p.nextToken() == JsonToken.START_OBJECT) {
          JsonNode e = mapper.readTree(p);
          int type = e.path("type").asInt();
          if (type == EventInterpreter.FULL_SNAPSHOT) {
            dom.reset(e.path("data").path("node"));
          } else if (type == EventInterpreter.INCREMENTAL && e.path("data").path("source").asInt() == 0) {
            dom.mutate(e.path("data"));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dom;
  }
}
