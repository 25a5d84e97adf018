package io.witness.appliance.consent;

import io.witness.appliance.audit.AuditTrail;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.site.SiteService;
import io.witness.audit.AuditEvent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consent ledger of a site, for admins and auditors (GDPR Art. 7(1): demonstrate consent): per notice version
 * the grants, withdrawals and how many are in force, and the latest consent records. Reads are audited
 * ({@code consent.read}).
 *
 * <pre>curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/consents/summary?site=demo'</pre>
 */
@Path("/api/v1/consents")
@RequestScoped
public class ConsentLedgerResource {
  @PersistenceContext(unitName = "witness")
  EntityManager em;

  @Inject SiteService sites;
  @Inject AuditTrail audit;

  /** Per notice version (newest first): grants, withdrawals, in force now, withdrawal rate, GPC/DNT signals seen. */
  @GET
  @Path("/summary")
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public Map<String, Object> summary(@QueryParam("site") @DefaultValue("demo") String site) {
    String siteId = site(site);
    audit.record("consent.read", AuditEvent.Outcome.SUCCESS, "site", siteId, siteId, null, null, "summary");
    List<?> rows = em.createNativeQuery("SELECT r.notice_version, COUNT(*), COUNT(w.consent_id),"
        + " SUM(CASE WHEN w.consent_id IS NULL AND r.expires_at > ?2 THEN 1 ELSE 0 END),"
        + " SUM(CASE WHEN r.gpc OR r.dnt THEN 1 ELSE 0 END), MIN(r.granted_at), MAX(r.granted_at)"
        + " FROM consent_records r LEFT JOIN consent_withdrawals w ON w.consent_id = r.id"
        + " WHERE r.site_id = ?1 GROUP BY r.notice_version ORDER BY MAX(r.granted_at) DESC")
        .setParameter(1, siteId).setParameter(2, OffsetDateTime.now(ZoneOffset.UTC)).getResultList();
    List<Map<String, Object>> versions = rows.stream().map(o -> {
      Object[] r = (Object[]) o;
      long grants = ((Number) r[1]).longValue();
      long withdrawals = ((Number) r[2]).longValue();
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("noticeVersion", r[0]);
      v.put("grants", grants);
      v.put("withdrawals", withdrawals);
      v.put("inForce", ((Number) r[3]).longValue());
      v.put("withdrawalRate", grants == 0 ? 0.0 : Math.round(withdrawals * 10000.0 / grants) / 10000.0);
      v.put("withSignals", ((Number) r[4]).longValue());
      v.put("firstGrant", String.valueOf(r[5]));
      v.put("lastGrant", String.valueOf(r[6]));
      return v;
    }).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("siteId", siteId);
    out.put("versions", versions);
    return out;
  }

  /** The latest consent records (no visitor id: its hash only), newest first. */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public Map<String, Object> records(@QueryParam("site") @DefaultValue("demo") String site,
      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
    String siteId = site(site);
    audit.record("consent.read", AuditEvent.Outcome.SUCCESS, "site", siteId, siteId, null, null, "records");
    List<?> rows = em.createNativeQuery("SELECT r.id, r.granted_at, r.expires_at, r.policy_version,"
        + " r.notice_version, r.purposes, r.method, r.gpc, r.dnt, r.region, w.withdrawn_at, w.method"
        + " FROM consent_records r LEFT JOIN consent_withdrawals w ON w.consent_id = r.id WHERE r.site_id = ?1"
        + " ORDER BY r.granted_at DESC, r.id DESC FETCH FIRST " + limit + " ROWS ONLY")
        .setParameter(1, siteId).getResultList();
    List<Map<String, Object>> items = rows.stream().map(o -> {
      Object[] r = (Object[]) o;
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("consentId", r[0]);
      v.put("grantedAt", String.valueOf(r[1]));
      v.put("expiresAt", String.valueOf(r[2]));
      v.put("policyVersion", ((Number) r[3]).intValue());
      v.put("noticeVersion", r[4]);
      v.put("purposes", List.of(((String) r[5]).split(",")));
      v.put("method", r[6]);
      v.put("gpc", r[7]);
      v.put("dnt", r[8]);
      if (r[9] != null) {
        v.put("region", r[9]);
      }
      if (r[10] != null) {
        v.put("withdrawnAt", String.valueOf(r[10]));
        v.put("withdrawalMethod", r[11]);
      }
      return v;
    }).toList();
    return Map.of("siteId", siteId, "items", items);
  }

  private String site(String siteId) {
    return sites.byId(siteId).orElseThrow(() -> ProblemException.notFound("no site with this id")).id();
  }
}
