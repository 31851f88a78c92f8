package org.sealpost.config;

/**
 * @param enabled serve Prometheus metrics at /metrics
 * @param port -1 = /metrics on the gateway's HTTP port; otherwise /metrics (and /health/*) on a
 *     listener of its own on {@code gateway.host} (0 = any free port), and not on the gateway's
 * @param adminToken the bearer token of the operator status page /admin; empty = page off (404)
 */
public record MetricsConfig(boolean enabled, int port, String adminToken) {
  public MetricsConfig {
    SealpostConfig.check(port >= -1 && port <= 65535, "metrics.port must be -1 (the HTTP port) or 0..65535, got " + port);
    adminToken = adminToken == null ? "" : adminToken;
    SealpostConfig.check(adminToken.isEmpty() || adminToken.length() >= 16,
        "metrics.adminToken must be empty (page off) or at least 16 characters");
  }

  public static MetricsConfig defaults() {
    return new MetricsConfig(true, -1, "");
  }

  /** Metrics on a listener of their own rather than on the gateway's HTTP port. */
  public boolean ownPort() {
    return enabled && port >= 0;
  }

  public MetricsConfig withAdminToken(String value) {
    return new MetricsConfig(enabled, port, value);
  }

  public MetricsConfig withPort(int value) {
    return new MetricsConfig(enabled, value, adminToken);
  }
}
