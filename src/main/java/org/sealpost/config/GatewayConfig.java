package org.sealpost.config;

import java.time.Duration;

/**
 * Client-facing listeners and per-connection limits.
 *
 * @param host address the listeners bind to
 * @param tcpPort the length-prefixed frame protocol in plaintext; 0 picks a free port
 * @param httpPort REST API, WebSocket at /v1/websocket, /health, /metrics in plaintext; 0 picks a free port
 * @param plaintext whether the plaintext listeners run (off when only TLS may be spoken)
 * @param tls the TLS listeners
 * @param instances ConnectionVerticle instances (each owns its connections); 0 means one per core
 * @param maxFrameBytes largest frame a client may send
 * @param authTimeout time a new connection has to authenticate
 * @param idleTimeout a connection that sends nothing for this long is closed
 * @param maxInflightDeliveries deliveries sent to a device and not yet acked before the server waits
 * @param maxOutboundBytes bytes a connection may have waiting to be written before deliveries
 *     pause; a reader that lets twice this pile up is disconnected
 * @param maxPendingRequests requests of one connection being served at once; then reading it pauses
 * @param maxUnauthenticatedPerIp connections from one IP address not yet authenticated; more are refused
 * @param maxHttpConnectionsPerIp connections to the HTTP listeners (REST, WebSocket) from one IP
 *     address; more are closed as they come; 0 = no cap
 * @param maxUnackedBytes bytes of deliveries a connection may have unacked before the server waits
 *     (one delivery always may be)
 * @param maxNodeUnackedBytes bytes of unacked deliveries on the whole node before connections wait,
 *     beyond the one delivery each may always have
 * @param ackTimeout a device whose oldest unacked delivery is this old is parked (it gets nothing
 *     more until it acks; its queue stays durable) or, if it stopped reading too, disconnected
 */
public record GatewayConfig(
    String host,
    int tcpPort,
    int httpPort,
    boolean plaintext,
    TlsConfig tls,
    int instances,
    int maxFrameBytes,
    Duration authTimeout,
    Duration idleTimeout,
    int maxInflightDeliveries,
    int maxOutboundBytes,
    int maxPendingRequests,
    int maxUnauthenticatedPerIp,
    int maxHttpConnectionsPerIp,
    int maxUnackedBytes,
    long maxNodeUnackedBytes,
    Duration ackTimeout) {

  public GatewayConfig {
    SealpostConfig.check(host != null && !host.isBlank(), "gateway.host must not be empty");
    SealpostConfig.check(tcpPort >= 0 && tcpPort <= 65535, "gateway.tcpPort must be 0..65535");
    SealpostConfig.check(httpPort >= 0 && httpPort <= 65535, "gateway.httpPort must be 0..65535");
    SealpostConfig.check(tls != null, "gateway.tls must be set");
    SealpostConfig.check(plaintext || tls.enabled(), "gateway.plaintext and gateway.tls.enabled are both off: no listener would run");
    SealpostConfig.check(instances >= 0, "gateway.instances must be >= 0");
    SealpostConfig.check(maxFrameBytes >= 1024, "gateway.maxFrameBytes must be >= 1024");
    SealpostConfig.check(authTimeout != null && authTimeout.toMillis() > 0, "gateway.authTimeout must be > 0");
    SealpostConfig.check(idleTimeout != null && idleTimeout.toMillis() > 0, "gateway.idleTimeout must be > 0");
    SealpostConfig.check(maxInflightDeliveries > 0, "gateway.maxInflightDeliveries must be > 0");
    SealpostConfig.check(maxOutboundBytes >= maxFrameBytes, "gateway.maxOutboundBytes must be >= gateway.maxFrameBytes");
    SealpostConfig.check(maxPendingRequests > 0, "gateway.maxPendingRequests must be > 0");
    SealpostConfig.check(maxUnauthenticatedPerIp >= 0, "gateway.maxUnauthenticatedPerIp must be >= 0 (0 = no limit)");
    SealpostConfig.check(maxHttpConnectionsPerIp >= 0, "gateway.maxHttpConnectionsPerIp must be >= 0 (0 = no limit)");
    SealpostConfig.check(maxUnackedBytes >= maxFrameBytes, "gateway.maxUnackedBytes must be >= gateway.maxFrameBytes");
    SealpostConfig.check(maxNodeUnackedBytes >= maxUnackedBytes, "gateway.maxNodeUnackedBytes must be >= gateway.maxUnackedBytes");
    SealpostConfig.check(ackTimeout != null && ackTimeout.toMillis() > 0, "gateway.ackTimeout must be > 0");
  }

  public static GatewayConfig defaults() {
    return new GatewayConfig("127.0.0.1", 5222, 8080, true, TlsConfig.defaults(), 0, 128 * 1024,
        Duration.ofSeconds(10), Duration.ofSeconds(90), 256, 1024 * 1024, 256, 64, 256, 1024 * 1024, 256L * 1024 * 1024,
        Duration.ofSeconds(30));
  }

  /** Instances to deploy: the configured count, or one per core. */
  public int effectiveInstances() {
    return instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The same configuration with other plaintext ports (0 picks free ones). */
  public GatewayConfig withPorts(int tcp, int http) {
    return new GatewayConfig(host, tcp, http, plaintext, tls, instances, maxFrameBytes, authTimeout, idleTimeout,
        maxInflightDeliveries, maxOutboundBytes, maxPendingRequests, maxUnauthenticatedPerIp,
        maxHttpConnectionsPerIp, maxUnackedBytes, maxNodeUnackedBytes, ackTimeout);
  }

  public GatewayConfig withTimeouts(Duration auth, Duration idle) {
    return new GatewayConfig(host, tcpPort, httpPort, plaintext, tls, instances, maxFrameBytes, auth, idle,
        maxInflightDeliveries, maxOutboundBytes, maxPendingRequests, maxUnauthenticatedPerIp,
        maxHttpConnectionsPerIp, maxUnackedBytes, maxNodeUnackedBytes, ackTimeout);
  }

  public GatewayConfig withTls(boolean plaintextListeners, TlsConfig value) {
    return new GatewayConfig(host, tcpPort, httpPort, plaintextListeners, value, instances, maxFrameBytes,
        authTimeout, idleTimeout, maxInflightDeliveries, maxOutboundBytes, maxPendingRequests, maxUnauthenticatedPerIp,
        maxHttpConnectionsPerIp, maxUnackedBytes, maxNodeUnackedBytes, ackTimeout);
  }

  public GatewayConfig withConnectionLimits(int outboundBytes, int pendingRequests, int unauthenticatedPerIp) {
    return new GatewayConfig(host, tcpPort, httpPort, plaintext, tls, instances, maxFrameBytes, authTimeout,
        idleTimeout, maxInflightDeliveries, outboundBytes, pendingRequests, unauthenticatedPerIp, maxHttpConnectionsPerIp,
        maxUnackedBytes, maxNodeUnackedBytes, ackTimeout);
  }

  public GatewayConfig withMaxHttpConnectionsPerIp(int value) {
    return new GatewayConfig(host, tcpPort, httpPort, plaintext, tls, instances, maxFrameBytes, authTimeout,
        idleTimeout, maxInflightDeliveries, maxOutboundBytes, maxPendingRequests, maxUnauthenticatedPerIp, value,
        maxUnackedBytes, maxNodeUnackedBytes, ackTimeout);
  }

  /**
   * TLS listeners beside (or instead of) the plaintext ones, serving the same protocol.
   *
   * @param enabled whether the TLS listeners run
   * @param certFile PEM certificate chain, the server's certificate first
   * @param keyFile PEM private key (PKCS#8 or PKCS#1) of that certificate
   * @param tcpPort frames over TLS; 0 picks a free port
   * @param httpPort HTTPS: REST API and WebSocket (wss) over TLS; 0 picks a free port
   */
  public record TlsConfig(boolean enabled, String certFile, String keyFile, int tcpPort, int httpPort) {
    public TlsConfig {
      SealpostConfig.check(certFile != null && keyFile != null, "gateway.tls.certFile and keyFile must be set (may be empty when disabled)");
      SealpostConfig.check(!enabled || (!certFile.isBlank() && !keyFile.isBlank()),
          "gateway.tls.enabled needs gateway.tls.certFile and gateway.tls.keyFile (scripts/dev-cert.sh makes a development pair)");
      SealpostConfig.check(tcpPort >= 0 && tcpPort <= 65535, "gateway.tls.tcpPort must be 0..65535");
      SealpostConfig.check(httpPort >= 0 && httpPort <= 65535, "gateway.tls.httpPort must be 0..65535");
    }

    public static TlsConfig defaults() {
      return new TlsConfig(false, "", "", 5223, 8443);
    }
  }

  /** The same configuration with other budgets for unacked deliveries. */
  public GatewayConfig withUnackedBudgets(int perConnection, long perNode, Duration timeout) {
    return new GatewayConfig(host, tcpPort, httpPort, plaintext, tls, instances, maxFrameBytes, authTimeout,
        idleTimeout, maxInflightDeliveries, maxOutboundBytes, maxPendingRequests, maxUnauthenticatedPerIp,
        maxHttpConnectionsPerIp, perConnection, perNode, timeout);
  }
}
