package org.sealpost.config;

/**
 * @param enabled serve Prometheus metrics at /metrics on the HTTP port
 * @param adminToken the bearer token of the operator status page /admin; empty = page off (404)
 */
public record MetricsConfig(boolean enabled, String adminToken) {
  public MetricsConfig {
    adminToken = adminToken == null ? "" : adminToken;
    SealpostConfig.check(adminToken.isEmpty() || adminToken.length() >= 16,
        "metrics.adminToken must be empty (page off) or at least 16 characters");
  }

  public static MetricsConfig defaults() {
    return new MetricsConfig(true, "");
  }

  public MetricsConfig withAdminToken(String value) {
    return new MetricsConfig(enabled, value);
  }
}
