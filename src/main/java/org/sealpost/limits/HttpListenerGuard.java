package org.sealpost.limits;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one HTTP listener admits, decided as each connection opens: a slot among the node's
 * connections ({@link NodeConnections}), one among its address's ({@link ConnectionsPerAddress}),
 * and a first request (or WebSocket upgrade) within {@code firstRequestMillis}, after which a
 * connection that sent nothing is closed: idle ones are the attack, and a real client asks
 * something at once. Later idleness is the listener's own idle timeout. The server must not wait
 * for a first request to tell HTTP/2 from HTTP/1 (clear-text HTTP/2 off): until then it would not
 * report the connection.
 */
public final class HttpListenerGuard {
  private static final Logger log = LoggerFactory.getLogger(HttpListenerGuard.class);

  private final Vertx vertx;
  private final String listener;
  private final NodeConnections node;
  private final ConnectionsPerAddress perAddress;
  private final long firstRequestMillis;
  /** Remote addresses of connections that sent a request (or upgraded to a WebSocket). */
  private final Set<String> spoke = ConcurrentHashMap.newKeySet();

  public HttpListenerGuard(Vertx vertx, String listener, NodeConnections node, ConnectionsPerAddress perAddress,
      long firstRequestMillis) {
    this.vertx = vertx;
    this.listener = listener;
    this.node = node;
    this.perAddress = perAddress;
    this.firstRequestMillis = firstRequestMillis;
  }

  /** Installs the admission, and the answer to requests the HTTP decoder cannot read. */
  public HttpServer guard(HttpServer server) {
    return server.connectionHandler(this::admit).invalidRequestHandler(HttpListenerGuard::answerInvalid);
  }

  /** The connection from {@code remote} sent a request or a WebSocket upgrade. */
  public void spoke(SocketAddress remote) {
    if (remote != null) {
      spoke.add(remote.toString());
    }
  }

  private void admit(HttpConnection connection) {
    String ip = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    if (!node.tryAcquire()) {
      log.debug("{}: closing a connection from {}: the node holds its maximum of {} connections", listener, ip, node.max());
      connection.close();
      return;
    }
    if (!perAddress.tryAcquire(ip)) {
      node.release();
      log.debug("{}: closing a connection from {}: it already holds its maximum of connections", listener, ip);
      connection.close();
      return;
    }
    String remote = String.valueOf(connection.remoteAddress());
    long silence = vertx.setTimer(firstRequestMillis, id -> {
      if (!spoke.contains(remote)) {
        log.debug("{}: closing a connection from {}: no request within {} ms", listener, ip, firstRequestMillis);
        connection.close();
      }
    });
    connection.closeHandler(v -> {
      vertx.cancelTimer(silence);
      spoke.remove(remote);
      perAddress.release(ip);
      node.release();
    });
  }

  /**
   * A request the HTTP decoder could not read (a request line or headers over the limits, garbage):
   * its status with a typed body, and {@code Connection: close}, since the connection is closed
   * next. Vert.x's own answer says nothing of the close, and a client then sends its next request
   * on a connection about to go away, which gets no answer at all.
   */
  private static void answerInvalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String reason;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      reason = "request line too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      reason = "request headers too large";
    } else {
      status = 400;
      reason = "not a valid HTTP request";
    }
    ErrorCode code = status == 400 ? ErrorCode.BAD_REQUEST : ErrorCode.TOO_LARGE;
    request.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"code\":\"" + code.name() + "\",\"message\":\"" + reason + "\"}")
        .onComplete(written -> request.connection().close());
  }
}
