package io.witness.appliance.recording;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the recordings-list JPQL from filters. Every value is a bound parameter, never concatenated into the
 * query text (see RecordingListQueryInjectionTest). Keyset pagination on (first event, id), newest first.
 */
final class RecordingListQuery {
  private final EntityManager em;
  private final RecordingQuery q;
  private final RecordingKeys keys;

  RecordingListQuery(EntityManager em, RecordingQuery q, RecordingKeys keys) {
    this.em = em;
    this.q = q;
    this.keys = keys;
  }

  RecordingPage run() {
    List<String> where = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    where.add("r.state <> 'erased'");
    q.siteId().ifPresent(v -> add(where, params, "r.siteId = :site", "site", v));
    q.from().ifPresent(v -> add(where, params, "r.firstEventMs >= :from", "from", v.toEpochMilli()));
    q.to().ifPresent(v -> add(where, params, "r.firstEventMs < :to", "to", v.toEpochMilli()));
    q.minDurationMs().ifPresent(v -> add(where, params, "(r.lastEventMs - r.firstEventMs) >= :minDur", "minDur", v));
    q.maxDurationMs().ifPresent(v -> add(where, params, "(r.lastEventMs - r.firstEventMs) <= :maxDur", "maxDur", v));
    q.hasError().ifPresent(v -> where.add(v ? "r.errorCount > 0" : "r.errorCount = 0"));
    // Page URLs are sealed: a page is found by the blind index of its path, per site (each has its own index key).
    q.page().filter(s -> !s.isBlank()).ifPresent(v -> add(where, params,
        "exists (select f.id from FactEntity f where f.recordingId = r.id and f.kind = 'page'"
            + " and f.urlIndex in :pages)", "pages", perSite(site -> keys.pageIndex(site, v))));
    q.clientIp().filter(s -> !s.isBlank()).ifPresent(v -> add(where, params, "r.clientIpIndex in :ips", "ips",
        perSite(site -> keys.ipIndex(site, v))));
    q.subjectRefs().ifPresent(refs -> add(where, params, "r.subjectRef in :refs", "refs",
        refs.isEmpty() ? List.of("-") : List.copyOf(refs)));
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
    return new RecordingPage(rows.stream().map(r -> r.toSummary(firstUrl(r))).toList(), next);
  }

  /** The first URL, or "" when its key was destroyed (a retention period expired, not yet deleted). */
  private String firstUrl(RecordingEntity r) {
    try {
      return keys.firstUrl(r);
    } catch (io.witness.appliance.crypto.KeyGoneException expired) {
      return "";
    }
  }

  /** {@code index} of the query's site, or of every site when the query names none. */
  private List<String> perSite(java.util.function.Function<String, String> index) {
    List<String> sites = q.siteId().map(List::of).orElseGet(() -> em.createNativeQuery("select id from sites")
        .getResultList().stream().map(String::valueOf).toList());
    return sites.stream().map(index).toList();
  }

  private static void add(List<String> where, Map<String, Object> params, String clause, String name, Object v) {
    where.add(clause);
    params.put(name, v);
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
