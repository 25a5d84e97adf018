package io.witness.appliance.recording;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the recordings-list JPQL from filters. Every value is a bound parameter, never concatenated into the
 * query text (see RecordingListQueryInjectionTest). Keyset pagination on (first event, id), newest first.
 */
final class RecordingListQuery {
  private final EntityManager em;
  private final RecordingQuery q;

  RecordingListQuery(EntityManager em, RecordingQuery q) {
    this.em = em;
    this.q = q;
  }

  RecordingPage run() {
    List<String> where = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    q.siteId().ifPresent(v -> add(where, params, "r.siteId = :site", "site", v));
    q.from().ifPresent(v -> add(where, params, "r.firstEventMs >= :from", "from", v.toEpochMilli()));
    q.to().ifPresent(v -> add(where, params, "r.firstEventMs < :to", "to", v.toEpochMilli()));
    q.minDurationMs().ifPresent(v -> add(where, params, "(r.lastEventMs - r.firstEventMs) >= :minDur", "minDur", v));
    q.maxDurationMs().ifPresent(v -> add(where, params, "(r.lastEventMs - r.firstEventMs) <= :maxDur", "maxDur", v));
    q.hasError().ifPresent(v -> where.add(v ? "r.errorCount > 0" : "r.errorCount = 0"));
    q.urlContains().filter(s -> !s.isBlank()).ifPresent(v -> add(where, params,
        "exists (select f.id from FactEntity f where f.recordingId = r.id and f.kind = 'page'"
            + " and lower(f.textValue) like :url escape '!')", "url", "%" + likeEscape(v) + "%"));
    q.cursor().ifPresent(c -> {
      Cursor cur = Cursor.decode(c);
      where.add("(r.firstEventMs < :cms or (r.firstEventMs = :cms and r.id < :cid))");
      params.put("cms", cur.firstEventMs());
      params.put("cid", cur.id());
    });
    String jpql = "select r from RecordingEntity r"
        + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
        + " order by r.firstEventMs desc, r.id desc";
    TypedQuery<RecordingEntity> query = em.createQuery(jpql, RecordingEntity.class);
    params.forEach(query::setParameter);
    List<RecordingEntity> rows = query.setMaxResults(q.limit() + 1).getResultList();
    Optional<String> next = Optional.empty();
    if (rows.size() > q.limit()) {
      rows = rows.subList(0, q.limit());
      RecordingEntity last = rows.get(rows.size() - 1);
      next = Optional.of(new Cursor(last.firstEventMs, last.id).encode());
    }
    return new RecordingPage(rows.stream().map(RecordingEntity::toSummary).toList(), next);
  }

  private static void add(List<String> where, Map<String, Object> params, String clause, String name, Object v) {
    where.add(clause);
    params.put(name, v);
  }

  static String likeEscape(String s) {
    return s.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  /** Opaque position in the list. */
  record Cursor(long firstEventMs, String id) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((firstEventMs + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String s) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8).split(":", 2);
        return new Cursor(Long.parseLong(parts[0]), parts[1]);
      } catch (RuntimeException e) {
        throw io.witness.appliance.platform.ProblemException.validation("cursor", "not a cursor from this API");
      }
    }
  }
}
