package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.ReconnectRequest;
import org.sealpost.protocol.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's one connection to the server: opens and authenticates it, keeps it alive, hands
 * the server's requests on, and, for a client connected to a cluster, reopens it on the next
 * node when it drops ({@link Failover}). Used on the client's context.
 */
final class ConnectionSupervisor {
  private static final Logger log = LoggerFactory.getLogger(ConnectionSupervisor.class);
  static final String RECONNECT_PATH = "/v1/reconnect";

  private final Vertx vertx;
  private final DeviceCredentials credentials;
  private final ServerApi api;
  private final KeyUploader keys;
  private final Keepalive keepalive;
  /** The server's requests other than the reconnect request, which is the connection's own business. */
  private final WireConnection.ServerRequestHandler requests;
  private final Supplier<ClientListener> listener;
  private final String self;
  private volatile WireConnection connection;
  private boolean closed;
  /** Set by {@link #connect(List)}: the cluster's nodes, tried in turn when a connection drops. */
  private Failover failover;
  /** True once {@link #connect(List)} succeeded: from then on a dropped connection is reopened. */
  private boolean reconnecting;
  private long reconnectTimer = -1;
  private volatile URI connectedTo;

  ConnectionSupervisor(Vertx vertx, DeviceCredentials credentials, ServerApi api, KeyUploader keys,
      Keepalive keepalive, WireConnection.ServerRequestHandler requests, Supplier<ClientListener> listener,
      String self) {
    this.vertx = vertx;
    this.credentials = credentials;
    this.api = api;
    this.keys = keys;
    this.keepalive = keepalive;
    this.requests = requests;
    this.listener = listener;
    this.self = self;
  }

  boolean isConnected() {
    WireConnection open = connection;
    return open != null && !open.isClosed();
  }

  /** The node connected to (or last), when connected with {@link #connect(List)}. */
  URI connectedServer() {
    return connectedTo;
  }

  /** Opens a connection with {@code opener}, authenticates it and makes sure the server holds enough keys. */
  Future<Void> connect(Supplier<Future<WireConnection>> opener) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("client closed"));
    }
    if (isConnected()) {
      return Future.failedFuture(new IllegalStateException("already connected"));
    }
    return opener.get().compose(opened -> {
      opened.onRequest(this::onServerRequest).onClose(() -> onConnectionClosed(opened));
      return opened.authenticate(credentials.getNumber(), credentials.getDeviceId(), credentials.getPassword())
          .compose(auth -> {
            connection = opened;
            api.use(opened);
            keepalive.start(opened);
            log.info("{} - connected", self);
            return keys.ensure();
          })
          .recover(err -> opened.close().transform(ignored -> Future.failedFuture(err)));
    });
  }

  /** Connects to the first of {@code servers} that answers, and from then on reconnects when the connection drops. */
  Future<Void> connect(List<URI> servers) {
    failover = Failover.of(servers);
    return connectFirst(servers.size()).onSuccess(v -> reconnecting = true);
  }

  /** Stops keeping the connection and closes it. */
  Future<Void> close() {
    closed = true;
    keepalive.stop();
    if (reconnectTimer >= 0) {
      vertx.cancelTimer(reconnectTimer);
      reconnectTimer = -1;
    }
    WireConnection open = connection;
    connection = null;
    return open == null ? Future.succeededFuture() : open.close();
  }

  private Future<Void> connectFirst(int attemptsLeft) {
    URI target = failover.next(System.nanoTime());
    return connectTo(target).recover(err -> {
      failover.failed();
      if (attemptsLeft <= 1 || closed) {
        return Future.failedFuture(err);
      }
      return connectFirst(attemptsLeft - 1);
    });
  }

  private Future<Void> connectTo(URI target) {
    int port = target.getPort() > 0 ? target.getPort() : 80;
    return connect(() -> WireConnection.webSocket(vertx, target.getHost(), port)).onSuccess(v -> {
      connectedTo = target;
      failover.connected();
    });
  }

  /** One reconnect attempt after the failover's backoff; another is scheduled if it fails. */
  private void scheduleReconnect() {
    if (reconnectTimer >= 0 || closed) {
      return;
    }
    long wait = Math.max(1, failover.delay().toMillis());
    reconnectTimer = vertx.setTimer(wait, id -> {
      reconnectTimer = -1;
      if (closed || isConnected()) {
        return;
      }
      URI target = failover.next(System.nanoTime());
      connectTo(target)
          .onSuccess(v -> log.info("{} - reconnected to {}", self, target))
          .onFailure(err -> {
            log.debug("{} - reconnecting to {} failed: {}", self, target, err.toString());
            failover.failed();
            scheduleReconnect();
          });
    });
  }

  private Future<Integer> onServerRequest(Request request) {
    if (!RECONNECT_PATH.equals(request.getPath())) {
      return requests.apply(request);
    }
    ReconnectRequest ask;
    try {
      ask = ReconnectRequest.parseFrom(request.getBody());
    } catch (InvalidProtocolBufferException e) {
      ask = ReconnectRequest.getDefaultInstance();
    }
    log.info("{} - server asks to reconnect elsewhere: {}", self, ask.getReason());
    if (failover != null && connectedTo != null) {
      failover.avoid(connectedTo, Duration.ofMillis(ask.getAvoidMs()), System.nanoTime());
    }
    return Future.succeededFuture(200);
  }

  private void onConnectionClosed(WireConnection closedConnection) {
    api.forget(closedConnection);
    if (connection == closedConnection) {
      keepalive.stop();
      connection = null;
      if (!closed) {
        log.info("{} - disconnected", self);
        listener.get().onDisconnected();
        if (reconnecting) {
          scheduleReconnect();
        }
      }
    }
  }
}
