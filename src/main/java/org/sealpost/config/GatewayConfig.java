package org.sealpost.config;

import java.time.Duration;

/**
 * Client-facing listeners and per-connection limits.
 *
 * @param host address both listeners bind to
 * @param tcpPort the length-prefixed frame protocol; 0 picks a free port
 * @param httpPort REST API, WebSocket at /v1/websocket, /health, /metrics; 0 picks a free port
 * @param instances ConnectionVerticle instances (each owns its connections); 0 means one per core
 * @param maxFrameBytes largest frame a client may send
 * @param authTimeout time a new connection has to authenticate
 * @param idleTimeout a connection that sends nothing for this long is closed
 * @param maxInflightDeliveries deliveries sent to a device and not yet acked before the server waits
 */
public record GatewayConfig(
    String host,
    int tcpPort,
    int httpPort,
    int instances,
    int maxFrameBytes,
    Duration authTimeout,
    Duration idleTimeout,
    int maxInflightDeliveries) {

  public GatewayConfig {
    SealpostConfig.check(host != null && !host.isBlank(), "gateway.host must not be empty");
    SealpostConfig.check(tcpPort >= 0 && tcpPort <= 65535, "gateway.tcpPort must be 0..65535");
    SealpostConfig.check(httpPort >= 0 && httpPort <= 65535, "gateway.httpPort must be 0..65535");
    SealpostConfig.check(instances >= 0, "gateway.instances must be >= 0");
    SealpostConfig.check(maxFrameBytes >= 1024, "gateway.maxFrameBytes must be >= 1024");
    SealpostConfig.check(authTimeout != null && authTimeout.toMillis() > 0, "gateway.authTimeout must be > 0");
    SealpostConfig.check(idleTimeout != null && idleTimeout.toMillis() > 0, "gateway.idleTimeout must be > 0");
    SealpostConfig.check(maxInflightDeliveries > 0, "gateway.maxInflightDeliveries must be > 0");
  }

  public static GatewayConfig defaults() {
    return new GatewayConfig("127.0.0.1", 5222, 8080, 0, 128 * 1024, Duration.ofSeconds(10),
        Duration.ofSeconds(90), 256);
  }

  /** Instances to deploy: the configured count, or one per core. */
  public int effectiveInstances() {
    return instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public GatewayConfig withPorts(int tcp, int http) {
    return new GatewayConfig(host, tcp, http, instances, maxFrameBytes, authTimeout, idleTimeout,
        maxInflightDeliveries);
  }

  public GatewayConfig withTimeouts(Duration auth, Duration idle) {
    return new GatewayConfig(host, tcpPort, httpPort, instances, maxFrameBytes, auth, idle,
        maxInflightDeliveries);
  }
}
