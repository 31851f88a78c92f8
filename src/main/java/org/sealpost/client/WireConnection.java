package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.sealpost.protocol.AuthRequest;
import org.sealpost.protocol.AuthResponse;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;

/**
 * A client's end of one frame connection (TCP or WebSocket), speaking only the wire protocol:
 * requests with futures for their responses, and a handler for what the server pushes. Used by
 * the SDK, the CLI, the benchmark and the tests. Not thread-safe: use it from the Vert.x
 * context that created it.
 */
public final class WireConnection {
  private static final int LENGTH_BYTES = 4;

  /** How the server's requests (deliveries, markers) are answered: return the response status. */
  public interface ServerRequestHandler extends Function<Request, Future<Integer>> {}

  private final Transport transport;
  private final Vertx vertx;
  private final Map<Long, Promise<Response>> pending = new HashMap<>();
  private long nextId = 1;
  private ServerRequestHandler onRequest = request -> Future.succeededFuture(200);
  private Consumer<Response> onConnectionError = response -> { };
  private Runnable onClose = () -> { };
  private boolean closed;
  private Duration requestTimeout = Duration.ofSeconds(30);

  private final Context context;

  private WireConnection(Vertx vertx, Transport transport) {
    this.vertx = vertx;
    this.transport = transport;
    this.context = vertx.getOrCreateContext();
  }

  /** Runs {@code action} on this connection's context, so any thread may use the connection. */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Connects over TCP (length-prefixed frames). */
  public static Future<WireConnection> tcp(Vertx vertx, String host, int port) {
    return tcp(vertx, host, port, null);
  }

  /** Connects over TCP, in TLS when {@code tls} is non-null. */
  public static Future<WireConnection> tcp(Vertx vertx, String host, int port, ClientTls tls) {
    return tcp(vertx, host, port, tls, null);
  }

  /**
   * Connects over TCP from {@code localAddress} (null: any), in TLS when {@code tls} is non-null.
   * Several local addresses (127.0.0.2, 127.0.0.3, ...) get a load generator past the ~28,000
   * ephemeral ports one source address has towards one server port.
   */
  public static Future<WireConnection> tcp(Vertx vertx, String host, int port, ClientTls tls, String localAddress) {
    NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setLocalAddress(localAddress);
    NetClient client = vertx.createNetClient(tls == null ? options : tls.applyTo(options));
    return client.connect(port, host).onFailure(err -> client.close()).map(socket -> {
      WireConnection connection = new WireConnection(vertx, new TcpTransport(socket));
      RecordParser parser = RecordParser.newFixed(LENGTH_BYTES);
      parser.handler(new io.vertx.core.Handler<>() {
        private boolean expectingLength = true;

        @Override
        public void handle(Buffer chunk) {
          if (expectingLength) {
            expectingLength = false;
            parser.fixedSizeMode((int) chunk.getUnsignedInt(0));
          } else {
            expectingLength = true;
            parser.fixedSizeMode(LENGTH_BYTES);
            connection.onFrame(chunk);
          }
        }
      });
      socket.handler(parser);
      // One client per connection: closing it with the connection frees its resources.
      socket.closeHandler(v -> {
        connection.onClosed();
        client.close();
      });
      return connection;
    });
  }

  /** Connects over WebSocket ({@code ws://host:port/v1/websocket}). */
  public static Future<WireConnection> webSocket(Vertx vertx, String host, int port) {
    return webSocket(vertx, host, port, null);
  }

  /** Connects over WebSocket, wss:// when {@code tls} is non-null. */
  public static Future<WireConnection> webSocket(Vertx vertx, String host, int port, ClientTls tls) {
    WebSocketClientOptions options = new WebSocketClientOptions()
        .setMaxMessageSize(4 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024);
    WebSocketClient client = vertx.createWebSocketClient(tls == null ? options : tls.applyTo(options));
    return client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/v1/websocket"))
        .onFailure(err -> client.close())
        .map(ws -> {
          WireConnection connection = new WireConnection(vertx, new WebSocketTransport(ws));
          ws.binaryMessageHandler(connection::onFrame);
          ws.closeHandler(v -> {
            connection.onClosed();
            client.close();
          });
          return connection;
        });
  }

  public WireConnection requestTimeout(Duration timeout) {
    this.requestTimeout = timeout;
    return this;
  }

  /** Sets how server requests are answered (default: 200 to everything). */
  public WireConnection onRequest(ServerRequestHandler handler) {
    this.onRequest = handler;
    return this;
  }

  /** Called with a connection-level error (response id 0) the server sends before closing. */
  public WireConnection onConnectionError(Consumer<Response> handler) {
    this.onConnectionError = handler;
    return this;
  }

  public WireConnection onClose(Runnable handler) {
    this.onClose = handler;
    return this;
  }

  public Future<AuthResponse> authenticate(String number, int deviceId, String password) {
    AuthRequest auth = AuthRequest.newBuilder().setNumber(number).setDeviceId(deviceId).setPassword(password).build();
    return call("PUT", "/v1/auth", auth, AuthResponse.parser());
  }

  /** Sends a request and parses a 200 response's body; any other status fails with {@link RequestFailedException}. */
  public <T> Future<T> call(String verb, String path, MessageLite body, com.google.protobuf.Parser<T> parser) {
    return request(verb, path, body).compose(response -> {
      if (response.getStatus() != 200) {
        return Future.failedFuture(RequestFailedException.of(response));
      }
      try {
        return Future.succeededFuture(parser.parseFrom(response.getBody()));
      } catch (InvalidProtocolBufferException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** Sends a request; completes with whatever response comes back (any status). */
  public Future<Response> request(String verb, String path, MessageLite body) {
    return onContext(() -> doRequest(verb, path, body));
  }

  private Future<Response> doRequest(String verb, String path, MessageLite body) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("connection closed"));
    }
    long id = nextId++;
    Promise<Response> promise = Promise.promise();
    pending.put(id, promise);
    sendFrame(Frame.newBuilder().setRequest(Request.newBuilder().setId(id).setVerb(verb).setPath(path)
        .setBody(body.toByteString())).build());
    long timer = vertx.setTimer(requestTimeout.toMillis(), t -> {
      Promise<Response> waiting = pending.remove(id);
      if (waiting != null) {
        waiting.tryFail(new java.util.concurrent.TimeoutException(verb + " " + path + " got no response in " + requestTimeout));
      }
    });
    return promise.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Writes raw bytes (tests of malformed input). */
  public void writeRaw(Buffer bytes) {
    onContext(() -> {
      transport.writeRaw(bytes);
      return Future.succeededFuture();
    });
  }

  public void sendFrame(Frame frame) {
    onContext(() -> {
      transport.write(Buffer.buffer(frame.toByteArray()));
      return Future.succeededFuture();
    });
  }

  public boolean isClosed() {
    return closed;
  }

  public Future<Void> close() {
    return onContext(() -> {
      closed = true;
      return transport.close();
    });
  }

  private void onFrame(Buffer bytes) {
    Frame frame;
    try {
      frame = Frame.parseFrom(bytes.getBytes());
    } catch (InvalidProtocolBufferException e) {
      close();
      return;
    }
    if (frame.hasResponse()) {
      Response response = frame.getResponse();
      Promise<Response> waiting = pending.remove(response.getId());
      if (waiting != null) {
        waiting.complete(response);
      } else if (response.getId() == 0) {
        onConnectionError.accept(response);
      }
    } else if (frame.hasRequest()) {
      Request request = frame.getRequest();
      onRequest.apply(request).onComplete(ar -> {
        int status = ar.succeeded() ? ar.result() : 500;
        if (!closed) {
          sendFrame(Frame.newBuilder().setResponse(Response.newBuilder().setId(request.getId()).setStatus(status)
              .setReason(status == 200 ? "OK" : "error")).build());
        }
      });
    }
  }

  private void onClosed() {
    closed = true;
    pending.values().forEach(p -> p.tryFail(new IllegalStateException("connection closed")));
    pending.clear();
    onClose.run();
  }

  private interface Transport {
    void write(Buffer frame);

    void writeRaw(Buffer bytes);

    Future<Void> close();
  }

  private record TcpTransport(NetSocket socket) implements Transport {
    @Override
    public void write(Buffer frame) {
      socket.write(Buffer.buffer(LENGTH_BYTES + frame.length()).appendInt(frame.length()).appendBuffer(frame));
    }

    @Override
    public void writeRaw(Buffer bytes) {
      socket.write(bytes);
    }

    @Override
    public Future<Void> close() {
      return socket.close();
    }
  }

  private record WebSocketTransport(WebSocket ws) implements Transport {
    @Override
    public void write(Buffer frame) {
      ws.writeBinaryMessage(frame);
    }

    @Override
    public void writeRaw(Buffer bytes) {
      ws.writeBinaryMessage(bytes);
    }

    @Override
    public Future<Void> close() {
      return ws.close();
    }
  }
}
