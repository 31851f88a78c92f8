package org.sealpost.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.sealpost.config.GatewayConfig;
import org.sealpost.protocol.ReconnectRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client edge: the TCP listener (length-prefixed frames) and the HTTP listener (REST API,
 * WebSocket frames at /v1/websocket, /health, /metrics). Deployed with several instances that
 * share the ports; each instance owns the connections it accepted.
 */
public final class ConnectionVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ConnectionVerticle.class);
  /** A client told this waits this long before trying the same node again. */
  private static final ReconnectRequest DRAINING = ReconnectRequest.newBuilder()
      .setReason("node shutting down: reconnect to another node").setAvoidMs(30_000).build();
  public static final String WEBSOCKET_PATH = "/v1/websocket";

  private final GatewayContext ctx;
  private final PrometheusMeterRegistry prometheus;
  private NetServer tcp;
  private HttpServer http;
  /** This instance's live connections (touched on its event loop only), for a graceful shutdown. */
  private final Set<Connection> connections = new HashSet<>();
  private volatile boolean draining;

  public ConnectionVerticle(GatewayContext ctx, PrometheusMeterRegistry prometheus) {
    this.ctx = ctx;
    this.prometheus = prometheus;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = ctx.config();
    int idleMs = (int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis());
    tcp = vertx.createNetServer(new NetServerOptions()
        .setHost(config.host())
        .setPort(config.tcpPort())
        .setTcpNoDelay(true)
        .setReadIdleTimeout(idleMs)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    tcp.connectHandler(socket -> {
      TcpTransport transport = new TcpTransport(socket);
      Connection connection = new Connection(vertx, ctx, transport);
      transport.bind(connection, config.maxFrameBytes());
      accept(connection);
    });
    http = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.httpPort())
        .setTcpNoDelay(true)
        .setReadIdleTimeout(idleMs)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWebSocketFrameSize(config.maxFrameBytes() + 1024)
        .setMaxWebSocketMessageSize(config.maxFrameBytes() * 2));
    http.webSocketHandler(ws -> {
      if (!WEBSOCKET_PATH.equals(ws.path())) {
        ws.close((short) 1008, "WebSocket is served at " + WEBSOCKET_PATH);
        return;
      }
      WebSocketTransport transport = new WebSocketTransport(ws);
      Connection connection = new Connection(vertx, ctx, transport);
      transport.bind(connection, config.maxFrameBytes());
      accept(connection);
    });
    http.requestHandler(new HttpApi(vertx, ctx, prometheus, () -> draining).router());
    return Future.all(tcp.listen(), http.listen())
        .onSuccess(v -> log.debug("gateway instance listening on tcp {} and http {}", tcp.actualPort(), http.actualPort()));
  }

  private void accept(Connection connection) {
    if (draining) {
      connection.drain(DRAINING);
      return;
    }
    connections.add(connection);
    connection.whenClosed().onComplete(done -> connections.remove(connection));
    connection.start();
  }

  /**
   * Graceful shutdown, step one: new connections are refused, every client is told to reconnect
   * to another node and its connection closed once its requests in flight are answered.
   * Completes when all are closed (the listeners stay bound until {@link #stop()}, so clients
   * get the 503 rather than a refused connection). Any thread may call it.
   */
  public Future<Void> drain() {
    draining = true;
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (Connection connection : List.copyOf(connections)) {
        closing.add(connection.drain(DRAINING));
      }
      Future.join(closing).<Void>mapEmpty().onComplete(drained);
    });
    return drained.future();
  }

  @Override
  public Future<?> stop() {
    return Future.all(tcp.close(), http.close());
  }

  public int tcpPort() {
    return tcp.actualPort();
  }

  public int httpPort() {
    return http.actualPort();
  }
}
