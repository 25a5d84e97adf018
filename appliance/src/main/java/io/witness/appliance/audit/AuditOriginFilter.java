package io.witness.appliance.audit;

import io.helidon.webserver.http.ServerRequest;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.net.InetSocketAddress;

/**
 * Notes the peer address and user agent of every API request, before authentication (a failed sign-in is audited
 * with them too). The peer is the address that connected: a proxy in front is the peer (forwarding headers are not
 * trusted).
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 10)
public class AuditOriginFilter implements ContainerRequestFilter {
  @Inject RequestOrigin origin;
  @Context ServerRequest server;

  @Override
  public void filter(ContainerRequestContext request) {
    String ip = server != null && server.remotePeer().address() instanceof InetSocketAddress a
        && a.getAddress() != null ? a.getAddress().getHostAddress() : null;
    origin.from(ip, request.getHeaderString(HttpHeaders.USER_AGENT));
  }
}
