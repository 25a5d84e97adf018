package io.witness.appliance.identity;

import java.security.Principal;

/** The authenticated caller of a request; {@code viaSession} is true for console cookie sessions. */
public record Caller(String username, boolean viaSession) implements Principal {
  @Override
  public String getName() {
    return username;
  }
}
