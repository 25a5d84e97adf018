package io.witness.appliance.identity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/auth/login} and {@code /token}. */
public record Credentials(
    @NotBlank @Size(max = 100) String username,
    @NotBlank @Size(max = 1024) String password) {}
