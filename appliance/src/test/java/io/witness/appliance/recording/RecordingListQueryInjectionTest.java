package io.witness.appliance.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Injection test of the recordings-list query builder: whatever the filters hold, the JPQL text is one of the
 * fixed shapes and every value travels as a bound parameter (the list IT checks the same against a real
 * database).
 */
class RecordingListQueryInjectionTest {
  static final List<String> HOSTILE = List.of("' OR '1'='1", "x'); DROP TABLE recordings; --",
      "%' OR 1=1 --", "x' or r.id <> '", ":cid' or ''='", "\" or \"\"=\"", "1=1) or (1=1", "'||(select password_hash from users)||'");

  static RecordingQuery query(String text, int limit, Optional<String> cursor) {
    return new RecordingQuery(Optional.of(Instant.ofEpochMilli(1000)), Optional.of(Instant.ofEpochMilli(2000)),
        Optional.of(text), Optional.of(5L), Optional.of(50L), Optional.of(true), Optional.of(text),
        Optional.of(java.util.Set.of(text)), Optional.of(text), limit, cursor);
  }

  /**
   * Blind indexes as plain functions of the value: this test is about how values reach the query, not about the
   * HMAC (KeyServiceIT and RecordingListIT test those against the real key ring).
   */
  static final RecordingKeys KEYS = new RecordingKeys() {
    @Override
    String pageIndex(String siteId, String url) {
      return "page:" + siteId + ":" + pagePath(url);
    }

    @Override
    String ipIndex(String siteId, String ip) {
      return "ip:" + siteId + ":" + ip;
    }
  };

  @Test
  void run_bindsEveryFilterValueAndNeverPutsItInTheText() {
    String shape = null;
    for (String text : HOSTILE) {
      RecordingEntityManager em = new RecordingEntityManager();
      String cursor = new RecordingListQuery.Cursor(1500, text).encode();
      new RecordingListQuery(em.entityManager(), query(text, 20, Optional.of(cursor)), KEYS).run();

      assertFalse(em.jpql.contains(text), "value in the JPQL: " + em.jpql);
      assertEquals(text, em.parameters.get("site"));
      assertEquals(List.of(KEYS.pageIndex(text, text)), em.parameters.get("pages"));
      assertEquals(List.of(KEYS.ipIndex(text, text)), em.parameters.get("ips"));
      assertEquals(List.of(text), em.parameters.get("refs"));
      assertEquals(text, em.parameters.get("cid"));
      assertEquals(1500L, em.parameters.get("cms"));
      assertEquals(1000L, em.parameters.get("from"));
      assertEquals(2000L, em.parameters.get("to"));
      assertEquals(5L, em.parameters.get("minDur"));
      assertEquals(50L, em.parameters.get("maxDur"));
      assertTrue(em.jpql.contains("f.urlIndex in :pages"), em.jpql);
      assertEquals(21, em.maxResults, "one row more than the page tells whether there is a next page");
      if (shape != null) {
        assertEquals(shape, em.jpql, "the same filters give the same text, whatever their values");
      }
      shape = em.jpql;
    }
  }

  @Test
  void run_withoutFilters_listsNewestFirst() {
    RecordingEntityManager em = new RecordingEntityManager();
    RecordingPage page = new RecordingListQuery(em.entityManager(), new RecordingQuery(Optional.empty(),
        Optional.empty(), Optional.of("  "), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), 50, Optional.empty()), KEYS).run();
    assertEquals("select r from RecordingEntity r where r.state <> 'erased'"
        + " order by r.firstEventMs desc, r.id desc", em.jpql);
    assertTrue(em.parameters.isEmpty(), "a blank page is no filter: " + em.parameters);
    assertEquals(List.of(), page.items());
    assertEquals(Optional.empty(), page.nextCursor());
  }
}
