package dev.trickle.node.http;

import com.typesafe.config.Config;
import dev.trickle.postgres.EnvironmentSecrets;
import java.util.Optional;

/**
 * Who may use the HTTP server.
 *
 * @param adminToken the bearer token admin POSTs need; empty disables them
 * @param protectReads whether reads ({@code GET /api/...}, {@code /metrics}) need the token too
 */
public record HttpSettings(Optional<String> adminToken, boolean protectReads) {
  public HttpSettings {
    if (protectReads && adminToken.isEmpty()) {
      throw new IllegalArgumentException("trickle.http.protect-reads needs trickle.http.admin-token (TRICKLE_ADMIN_TOKEN)");
    }
  }

  /** Reads {@code trickle.http}; an empty admin token is read from the file {@code TRICKLE_ADMIN_TOKEN_FILE} names, if any. */
  public static HttpSettings from(Config config) {
    String token = config.getString("trickle.http.admin-token").strip();
    if (token.isEmpty()) {
      token = EnvironmentSecrets.get("TRICKLE_ADMIN_TOKEN").orElse("").strip();
    }
    return new HttpSettings(token.isEmpty() ? Optional.empty() : Optional.of(token),
        config.getBoolean("trickle.http.protect-reads"));
  }

  @Override
  public String toString() {
    return "HttpSettings[adminToken=" + (adminToken.isPresent() ? "(set)" : "(none)") + ", protectReads=" + protectReads + "]";
  }
}
