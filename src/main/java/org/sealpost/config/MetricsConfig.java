package org.sealpost.config;

/** @param enabled serve Prometheus metrics at /metrics on the HTTP port */
public record MetricsConfig(boolean enabled) {
  public static MetricsConfig defaults() {
    return new MetricsConfig(true);
  }
}
