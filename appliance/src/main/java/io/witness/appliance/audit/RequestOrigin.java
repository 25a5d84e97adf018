package io.witness.appliance.audit;

import jakarta.enterprise.context.RequestScoped;

/**
 * Who sent the current API request and from where, for its audit entries: filled by {@link AuditOriginFilter}
 * (address and user agent) and by the authentication filter (the user).
 */
@RequestScoped
public class RequestOrigin {
  private String actor;
  private String ip;
  private String userAgent;

  public String actor() {
    return actor;
  }

  public void actor(String username) {
    this.actor = username;
  }

  public String ip() {
    return ip;
  }

  public String userAgent() {
    return userAgent;
  }

  void from(String address, String agent) {
    this.ip = address;
    this.userAgent = agent == null || agent.length() <= 512 ? agent : agent.substring(0, 512);
  }
}
