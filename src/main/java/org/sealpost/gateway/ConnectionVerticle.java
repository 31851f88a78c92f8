package org.sealpost.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.sealpost.config.GatewayConfig;
import org.sealpost.limits.HttpListenerGuard;
import org.sealpost.ops.ListenFailure;
import org.sealpost.protocol.ReconnectRequest;
import org.sealpost.vertx.VertxInternals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client edge: the TCP listener (length-prefixed frames) and the HTTP listener (REST API,
 * WebSocket frames at /v1/websocket, /health, /metrics), in plaintext, over TLS, or both.
 * Deployed with several instances that share the ports; each instance owns the connections it
 * accepted.
 */
public final class ConnectionVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ConnectionVerticle.class);
  /** A client told this waits this long before trying the same node again. */
  private static final ReconnectRequest DRAINING = ReconnectRequest.newBuilder()
      .setReason("node shutting down: reconnect to another node").setAvoidMs(30_000).build();
  public static final String WEBSOCKET_PATH = "/v1/websocket";

  private final GatewayContext ctx;
  private final PrometheusMeterRegistry prometheus;
  private final List<HttpServer> httpServers = new ArrayList<>();
  private TcpListener tcp;
  private HttpServer http;
  private TcpListener tlsTcp;
  private HttpServer tlsHttp;
  private TcpListener.Member tcpMember;
  /** This instance's live connections (touched on its event loop only), for a graceful shutdown. */
  private final Set<Connection> connections = new HashSet<>();
  private volatile boolean draining;

  private final java.util.function.Consumer<io.vertx.ext.web.Router> operator;

  public ConnectionVerticle(GatewayContext ctx, PrometheusMeterRegistry prometheus) {
    this(ctx, prometheus, router -> { });
  }

  /** @param operator adds the operator's HTTP endpoints (health, admin) to each HTTP listener */
  public ConnectionVerticle(GatewayContext ctx, PrometheusMeterRegistry prometheus,
      java.util.function.Consumer<io.vertx.ext.web.Router> operator) {
    this.ctx = ctx;
    this.prometheus = prometheus;
    this.operator = operator;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = ctx.config();
    HttpApi api = new HttpApi(vertx, ctx, prometheus, () -> draining, operator);
    // Devices that stopped acking are parked (or dropped if they stopped reading) within a quarter of the timeout.
    vertx.setPeriodic(Math.max(100, config.ackTimeout().toMillis() / 4), id -> {
      long now = System.nanoTime();
      List.copyOf(connections).forEach(connection -> connection.checkStalled(now));
    });
    tcpMember = new TcpListener.Member(VertxInternals.eventLoop(context), this::acceptTcp);
    List<Future<?>> listening = new ArrayList<>();
    if (config.plaintext()) {
      listening.add(tcpListener("gateway TCP", config.tcpPort(), null).onSuccess(listener -> tcp = listener));
      http = httpServer(config.httpPort(), null, api);
      listening.add(listen("gateway HTTP", config.httpPort(), http));
    }
    if (config.tls().enabled()) {
      // Every instance reads the same files; Vert.x keeps one SSL context per server options.
      SSLOptions tls = new SSLOptions().setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().certFile()).setKeyPath(config.tls().keyFile()));
      listening.add(tcpListener("gateway TLS TCP", config.tls().tcpPort(), tls).onSuccess(listener -> tlsTcp = listener));
      tlsHttp = httpServer(config.tls().httpPort(), tls, api);
      listening.add(listen("gateway HTTPS", config.tls().httpPort(), tlsHttp));
    }
    return Future.join(listening)
        // A failed start is not followed by stop(): release what did bind (a shared TCP port above all).
        .recover(err -> stop().transform(stopped -> Future.failedFuture(err)))
        .onSuccess(v -> log.debug("gateway instance listening: tcp {}, http {}, tls tcp {}, https {}", tcpPort(),
            httpPort(), tlsTcpPort(), tlsHttpPort()));
  }

  private Future<TcpListener> tcpListener(String name, int port, SSLOptions tls) {
    return ListenFailure.naming(name, ctx.config().host(), port,
        TcpListener.join(vertx, ctx.config().host(), port, tls == null ? null : tls.getKeyCertOptions(), tcpMember));
  }

  private Future<HttpServer> listen(String name, int port, HttpServer server) {
    return ListenFailure.naming(name, ctx.config().host(), port, server.listen());
  }

  /** On this instance's event loop: a TCP connection accepted for it. */
  private void acceptTcp(Channel channel, SslContext ssl) {
    if (!ctx.connections().tryAcquire()) {
      log.debug("gateway TCP: closing a connection: the node holds its maximum of {} connections", ctx.connections().max());
      channel.close();
      return;
    }
    channel.closeFuture().addListener(closed -> ctx.connections().release());
    GatewayConfig config = ctx.config();
    TcpTransport.install(channel, ssl, context, config.maxFrameBytes(), config.maxOutboundBytes(),
        idleMillis(), transport -> {
          Connection connection = new Connection(vertx, ctx, transport);
          accept(connection);
          return connection;
        });
  }

  private HttpServer httpServer(int port, SSLOptions tls, HttpApi api) {
    GatewayConfig config = ctx.config();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(false) // HTTP/1.1 (and WebSocket) only: a connection is counted as it opens
        .setReadIdleTimeout(idleMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWebSocketFrameSize(config.maxFrameBytes() + 1024)
        .setMaxWebSocketMessageSize(config.maxFrameBytes() * 2);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(tls.getKeyCertOptions());
    }
    HttpListenerGuard guard = new HttpListenerGuard(vertx, tls == null ? "gateway HTTP" : "gateway HTTPS",
        ctx.connections(), ctx.httpConnections(), config.authTimeout().toMillis());
    HttpServer server = guard.guard(vertx.createHttpServer(options));
    Handler<ServerWebSocket> webSockets = webSocketHandler();
    io.vertx.ext.web.Router router = api.router();
    server.webSocketHandler(ws -> {
      guard.spoke(ws.remoteAddress());
      webSockets.handle(ws);
    });
    server.requestHandler(request -> {
      guard.spoke(request.remoteAddress());
      router.handle(request);
    });
    httpServers.add(server);
    return server;
  }

  private Handler<ServerWebSocket> webSocketHandler() {
    GatewayConfig config = ctx.config();
    return ws -> {
      if (!WEBSOCKET_PATH.equals(ws.path())) {
        ws.close((short) 1008, "WebSocket is served at " + WEBSOCKET_PATH);
        return;
      }
      WebSocketTransport transport = new WebSocketTransport(ws);
      Connection connection = new Connection(vertx, ctx, transport);
      transport.bind(connection, config.maxFrameBytes(), config.maxOutboundBytes());
      accept(connection);
    };
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

  private int idleMillis() {
    return (int) Math.min(Integer.MAX_VALUE, ctx.config().idleTimeout().toMillis());
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    for (TcpListener listener : new TcpListener[] {tcp, tlsTcp}) {
      if (listener != null) {
        closing.add(listener.leave(tcpMember));
      }
    }
    httpServers.forEach(server -> closing.add(server.close()));
    // Connections still open (no drain before the undeploy) close with their listeners.
    List.copyOf(connections).forEach(Connection::abort);
    return Future.all(closing);
  }

  /** The plaintext TCP port, or -1 when plaintext listeners are off. */
  public int tcpPort() {
    return tcp == null ? -1 : tcp.actualPort();
  }

  /** The plaintext HTTP port, or -1 when plaintext listeners are off. */
  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }

  /** The TLS TCP port, or -1 when TLS is off. */
  public int tlsTcpPort() {
    return tlsTcp == null ? -1 : tlsTcp.actualPort();
  }

  /** The HTTPS port (REST and wss), or -1 when TLS is off. */
  public int tlsHttpPort() {
    return tlsHttp == null ? -1 : tlsHttp.actualPort();
  }
}
