package io.witness.appliance.site;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

@Entity
@Table(name = "sites")
class SiteEntity {
  @Id String id;
  @Column(nullable = false) String name;
  @Column(name = "site_key", nullable = false) String siteKey;
  @Column(name = "created_at", nullable = false) OffsetDateTime createdAt;

  Site toSite() {
    return new Site(id, name, siteKey);
  }
}
