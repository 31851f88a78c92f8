package org.sealpost.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sealpost.api.ApiRoutes;
import org.sealpost.api.Call;
import org.sealpost.api.ConnectionHooks;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.api.Route;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.Errors;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.ConnectionsPerAddress;
import org.sealpost.protocol.AuthRequest;
import org.sealpost.protocol.AuthResponse;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.ReconnectRequest;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.routing.LocalDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, on either transport. Owned by the {@link ConnectionVerticle} instance
 * that accepted it and touched only on that instance's event loop.
 *
 * <p>Life: AWAITING_AUTH (only {@code PUT /v1/auth} is served; a timer closes it) → OPEN
 * (requests dispatch through {@link ApiRoutes}; deliveries flow through {@link DeviceDelivery})
 * → CLOSED. Any frame that cannot be read gets an error response with id 0 and closes the
 * connection; nothing it does reaches other connections.
 *
 * <p>Bounds: until it authenticates a connection holds one of its address's
 * {@link ConnectionsPerAddress} slots; at most {@code maxPendingRequests} requests are served at once
 * (at that many the connection is not read until one is answered: TCP pushes back on the
 * client, nothing is refused); outbound bytes past {@code maxOutboundBytes} pause deliveries, and a reader that
 * lets twice that pile up is disconnected (its envelopes stay queued).
 *
 * <p>Long for one class, and still one idea: the state machine of one connection, whose states,
 * requests in flight, acks and closing read and write one set of fields on one event loop. What
 * stands alone is already apart: the bytes ({@link FrameTransport}), the delivery window
 * ({@link DeviceDelivery}), which requests wait for which ({@link RequestOrder}) and the meters
 * ({@link GatewayMetrics}).
 */
final class Connection implements DeliveryConnection {
  /** The message of a 404 for a verb and path no route serves. */
  static final String NO_ROUTE = "no route for this verb and path";

  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  static final String AUTH_PATH = "/v1/auth";
  static final String KEYS_LOW_PATH = "/v1/keys/low";
  static final String PRESENCE_PATH = "/v1/presence";
  static final String TYPING_PATH = "/v1/typing";
  static final String RECONNECT_PATH = "/v1/reconnect";

  private enum State { AWAITING_AUTH, AUTHENTICATING, OPEN, CLOSED }

  /**
   * Every log line of a connection carries its id as the key-value {@code conn} (explicit on each
   * call: MDC does not follow a connection across event-loop callbacks).
   */
  static final String LOG_ID = "conn";
  private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
  private final String id;
  private final Vertx vertx;
  private final GatewayContext ctx;
  private final FrameTransport transport;
  private State state = State.AWAITING_AUTH;
  private DeviceKey device;
  private long authTimer = -1;
  private long nextRequestId = 1;
  private final Map<Long, Promise<Response>> pending = new HashMap<>();
  /** How the router reaches this connection once it is the device's; registered while open. */
  private final LocalDevices.Endpoint endpoint;
  private boolean registered;
  /** Set once {@link ConnectionHooks#opened} was called: {@code closed} must follow. */
  private boolean hooked;
  private DeviceDelivery delivery;
  /** Requests dispatched and not yet answered. */
  private int activeRequests;
  /** Set when the connection must close once the requests in flight are answered. */
  private String pendingClose;
  /** The status the pending close is announced with. */
  private ErrorCode pendingCloseCode = ErrorCode.UNAUTHORIZED;
  /** Completes once the connection is closed and has left the session directory. */
  private final Promise<Void> closed = Promise.promise();
  /** The order ordered routes (message sends) run in: per destination, group sends after all. */
  private final RequestOrder order = new RequestOrder();
  private boolean holdsPreAuthSlot;
  /** Acks received and not yet handed to the store (see {@link #acknowledge}). */
  private List<Envelope> acks = new ArrayList<>();
  /** Bytes written while the transport's outbound queue was already full. */
  private long overflowBytes;

  Connection(Vertx vertx, GatewayContext ctx, FrameTransport transport) {
    this.id = "c" + Long.toHexString(IDS.incrementAndGet());
    this.vertx = vertx;
    this.ctx = ctx;
    this.transport = transport;
    Context context = vertx.getOrCreateContext();
    this.endpoint = new LocalDevices.Endpoint() {
      @Override
      public Context context() {
        return context;
      }

      @Override
      public Future<Boolean> onEvent(DeviceEvent event) {
        return onDeviceEvent(event);
      }
    };
  }

  void start() {
    ctx.metrics().opened(transport.name());
    transport.drainHandler(this::onDrained);
    if (!ctx.preAuth().tryAcquire(transport.remoteIp())) {
      log.atInfo().addKeyValue(LOG_ID, id).log("{} - refusing a connection from {}: too many unauthenticated connections from that address",
          transport.name(), transport.remoteIp());
      closeWithError(ErrorCode.RATE_LIMITED, "too many unauthenticated connections from this address");
      return;
    }
    holdsPreAuthSlot = true;
    authTimer = vertx.setTimer(ctx.config().authTimeout().toMillis(), id -> {
      authTimer = -1;
      if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
        closeWithError(ErrorCode.UNAUTHORIZED, "authentication timed out");
      }
    });
  }

  // ------------------------------------------------------------------ inbound

  void onFrame(Buffer bytes) {
    if (state == State.CLOSED) {
      return;
    }
    ctx.metrics().frameIn();
    Frame frame;
    try {
      frame = FrameCodec.decode(bytes);
    } catch (InvalidProtocolBufferException e) {
      rejectFrame(400, "frame is not a valid protobuf Frame");
      return;
    }
    switch (frame.getKindCase()) {
      case REQUEST -> onRequest(frame.getRequest());
      case RESPONSE -> onResponse(frame.getResponse());
      default -> rejectFrame(400, "frame carries neither request nor response");
    }
  }

  /** A frame that cannot be served: answer with id 0 and close. */
  void rejectFrame(int status, String reason) {
    ctx.metrics().rejected();
    log.atDebug().addKeyValue(LOG_ID, id).log("{} - rejecting frame from {}: {}", transport.name(), transport.remoteIp(), reason);
    closeWithError(ErrorCode.ofStatus(status), reason);
  }

  private void onRequest(Request request) {
    if (state == State.OPEN) {
      dispatch(request);
    } else if (state == State.AWAITING_AUTH && request.getVerb().equals("PUT") && request.getPath().equals(AUTH_PATH)) {
      authenticate(request);
    } else {
      respondError(request.getId(), SealpostException.unauthorized("authenticate first with PUT " + AUTH_PATH));
      close();
    }
  }

  private void onResponse(Response response) {
    Promise<Response> waiting = pending.remove(response.getId());
    if (waiting == null) {
      log.atDebug().addKeyValue(LOG_ID, id).log("{} - response to unknown request {}", device, response.getId());
      return;
    }
    waiting.complete(response);
  }

  private void authenticate(Request request) {
    state = State.AUTHENTICATING;
    AuthRequest auth;
    try {
      auth = AuthRequest.parseFrom(request.getBody());
    } catch (InvalidProtocolBufferException e) {
      respondError(request.getId(), SealpostException.badRequest("body is not an AuthRequest"));
      close();
      return;
    }
    ctx.authenticator().authenticateDevice(auth.getNumber(), auth.getDeviceId(), auth.getPassword(), transport.remoteIp())
        .compose(this::open)
        .onSuccess(key -> {
          respond(request.getId(), AuthResponse.newBuilder().setNumber(key.number()).setDeviceId(key.deviceId())
              .setServerTime(System.currentTimeMillis()).build());
          delivery.start();
        })
        .onFailure(err -> {
          if (state != State.CLOSED) {
            respondError(request.getId(), Errors.toSealpost(err, "conn=" + id + " auth"));
            close();
          }
        });
  }

  /**
   * Becomes the device's connection: replaces (and waits out) the one before it, then the session
   * directory entry, the hooks, delivery.
   */
  private Future<DeviceKey> open(DeviceKey key) {
    if (state == State.CLOSED) {
      return Future.failedFuture(SealpostException.unauthorized("connection closed during authentication"));
    }
    device = key;
    registered = true;
    replacing = ctx.router().replace(key, endpoint, "connection replaced by a newer one");
    return replacing
        .compose(v -> state == State.CLOSED
            ? Future.<Void>failedFuture(SealpostException.unauthorized("replaced by a newer connection during authentication"))
            : ctx.sessions().register(key, ctx.router().nodeId()))
        .compose(v -> {
          if (releasing != null) {
            return Future.<Void>succeededFuture(); // closed meanwhile: no open without its close
          }
          hooked = true;
          return ctx.hooks().opened(key).recover(err -> {
            log.atWarn().addKeyValue(LOG_ID, id).log("{} - connection hook on open failed: {}", key, err.getMessage());
            return Future.succeededFuture();
          });
        })
        .map(v -> {
          if (authTimer >= 0) {
            vertx.cancelTimer(authTimer);
            authTimer = -1;
          }
          state = State.OPEN;
          releasePreAuthSlot();
          ctx.metrics().authenticated();
          delivery = new DeviceDelivery(key, ctx.queues(), ctx.config().maxInflightDeliveries(),
              ctx.config().maxUnackedBytes(), ctx.unacked(), ctx.config().ackTimeout().toNanos(), this);
          log.atDebug().addKeyValue(LOG_ID, id).log("{} - authenticated {} over {}", ctx.router().nodeId(), key, transport.name());
          return key;
        });
  }

  private Future<Boolean> onDeviceEvent(DeviceEvent event) {
    switch (event.getKindCase()) {
      case ENVELOPE -> {
        if (state == State.CLOSED) {
          return NOT_TAKEN; // the router finds the device's next connection, or pushes
        }
        if (delivery != null && state == State.OPEN) {
          delivery.onLive(event.getEnvelope());
        }
        return TAKEN; // still authenticating: its first read of the queue finds it
      }
      case CLOSE -> {
        if (activeRequests > 0) {
          // Answer what is in flight first (a device removing itself gets its 200), then close.
          pendingClose = event.getClose();
          pendingCloseCode = ErrorCode.UNAUTHORIZED;
          return TAKEN;
        }
        closeWithError(ErrorCode.UNAUTHORIZED, event.getClose());
        // gone once out of the directory, and once whatever this one was replacing is gone too
        return release().transform(done -> replacing).transform(done -> TAKEN);
      }
      case KEYS_LOW -> notify("PUT", KEYS_LOW_PATH, event.getKeysLow());
      case PRESENCE -> notify("PUT", PRESENCE_PATH, event.getPresence());
      case TYPING -> notify("PUT", TYPING_PATH, event.getTyping());
      default -> {
        return NOT_TAKEN;
      }
    }
    return TAKEN;
  }

  private static final Future<Boolean> TAKEN = Future.succeededFuture(true);
  private static final Future<Boolean> NOT_TAKEN = Future.succeededFuture(false);

  private void dispatch(Request request) {
    if (request.getVerb().equals("PUT") && request.getPath().equals(AUTH_PATH)) {
      respondError(request.getId(), SealpostException.badRequest("already authenticated"));
      return;
    }
    Optional<ApiRoutes.Match> match = ctx.routes().find(request.getVerb(), request.getPath());
    if (match.isEmpty()) {
      // The request's own verb and path are not echoed: the client knows them, and a frame's error
      // carries its message twice already (reason and ErrorBody).
      respondError(request.getId(), SealpostException.notFound(NO_ROUTE));
      return;
    }
    Route route = match.get().route();
    if (route.access() == Route.Access.PUBLIC) {
      respondError(request.getId(), SealpostException.badRequest(request.getPath() + " is served over HTTP only"));
      return;
    }
    Message body;
    try {
      body = route.requestType().getParserForType().parseFrom(request.getBody());
      KnownEnums.check(body);
    } catch (InvalidProtocolBufferException e) {
      respondError(request.getId(), SealpostException.badRequest("body is not a " + route.requestType().getDescriptorForType().getName()));
      return;
    } catch (SealpostException e) {
      respondError(request.getId(), e);
      return;
    }
    Call call = new Call(device, match.get().params(), body, transport.remoteIp());
    Future<? extends Message> result;
    String orderKey = route.order().key(body);
    if (orderKey != null) {
      result = order.run(orderKey, () -> ApiRoutes.invoke(route, call));
    } else {
      result = ApiRoutes.invoke(route, call);
    }
    if (++activeRequests == ctx.config().maxPendingRequests()) {
      transport.pauseReading();
    }
    result.onComplete(ar -> {
      if (activeRequests-- == ctx.config().maxPendingRequests() && state != State.CLOSED) {
        transport.resumeReading();
      }
      if (ar.succeeded()) {
        respond(request.getId(), ar.result());
      } else {
        respondError(request.getId(), Errors.toSealpost(ar.cause(),
            "conn=" + id + " " + device + " " + request.getVerb() + " " + PhoneNumbers.redactAll(request.getPath())));
      }
      if (pendingClose != null && activeRequests == 0) {
        closeWithError(pendingCloseCode, pendingClose);
      }
    });
  }

  // ------------------------------------------------------------------ outbound

  /** Sends a server-initiated request (a delivery or a marker); completes with the client's response. */
  @Override
  public Future<Response> request(String verb, String path, Message body) {
    if (state != State.OPEN) {
      return Future.failedFuture(new IllegalStateException("connection closed"));
    }
    long id = nextRequestId++;
    Promise<Response> promise = Promise.promise();
    pending.put(id, promise);
    write(Frame.newBuilder().setRequest(Request.newBuilder().setId(id).setVerb(verb).setPath(path)
        .setBody(body.toByteString())).build());
    return promise.future();
  }

  /** Sends a request whose response nobody waits for (ephemeral envelopes, markers). */
  @Override
  public void notify(String verb, String path, Message body) {
    if (state == State.OPEN) {
      write(Frame.newBuilder().setRequest(Request.newBuilder().setId(nextRequestId++).setVerb(verb).setPath(path)
          .setBody(body.toByteString())).build());
    }
  }

  /**
   * The client acked a delivery. Acks that arrive together (one read of the socket, say the
   * answers to a drained batch) are stored together: one write, one receipt per sender device.
   */
  @Override
  public void acknowledge(Envelope envelope) {
    ctx.metrics().acked(envelope);
    if (acks.isEmpty()) {
      vertx.getOrCreateContext().runOnContext(v -> storeAcks());
    }
    acks.add(envelope);
  }

  /** Runs after the acks at hand were collected; stores them even if the connection closed meanwhile. */
  private void storeAcks() {
    List<Envelope> batch = acks;
    acks = new ArrayList<>();
    ctx.messages().acknowledge(device, batch)
        .onFailure(err -> log.atWarn().addKeyValue(LOG_ID, id).log("{} - storing {} acks failed; those envelopes will be redelivered: {}",
            device, batch.size(), err.getMessage()));
  }

  @Override
  public void delivered() {
    ctx.metrics().delivered();
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  private void respond(long id, Message body) {
    write(Frame.newBuilder().setResponse(Response.newBuilder().setId(id).setStatus(200).setReason("OK")
        .setBody(body.toByteString())).build());
  }

  private void respondError(long id, SealpostException error) {
    ErrorBody body = error.toBody();
    write(Frame.newBuilder().setResponse(Response.newBuilder().setId(id).setStatus(error.code().status())
        .setReason(error.getMessage()).setBody(body.toByteString())).build());
  }

  /** False while the peer reads too slowly: deliveries wait for {@link #onDrained}. */
  @Override
  public boolean writable() {
    return !transport.writeQueueFull();
  }

  private void onDrained() {
    overflowBytes = 0;
    if (delivery != null && state == State.OPEN) {
      delivery.resume();
    }
  }

  private void write(Frame frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (transport.writeQueueFull()) {
      overflowBytes += frame.getSerializedSize();
      if (overflowBytes > ctx.config().maxOutboundBytes()) {
        // Responses and notices keep coming while the peer reads nothing: stop buffering them.
        disconnectStoppedReader(ctx.config().maxOutboundBytes() + overflowBytes + " bytes waiting");
        return;
      }
    }
    ctx.metrics().frameOut();
    transport.write(frame);
  }

  // ------------------------------------------------------------------ closing

  /**
   * Graceful shutdown of the node: tells an authenticated client to reconnect to another node
   * ({@code PUT /v1/reconnect}), answers the requests in flight (a send being stored still gets
   * its single tick), then closes with 503. Completes once closed and out of the session
   * directory, so routing stops pointing here.
   */
  Future<Void> drain(ReconnectRequest reconnect) {
    if (state == State.OPEN) {
      notify("PUT", RECONNECT_PATH, reconnect);
      if (activeRequests > 0) {
        pendingClose = reconnect.getReason();
        pendingCloseCode = ErrorCode.UNAVAILABLE;
      } else {
        closeWithError(ErrorCode.UNAVAILABLE, reconnect.getReason());
      }
    } else {
      closeWithError(ErrorCode.UNAVAILABLE, reconnect.getReason());
    }
    return closed.future();
  }

  /** Completes once the connection is closed and has left the session directory. */
  Future<Void> whenClosed() {
    return closed.future();
  }

  private void closeWithError(ErrorCode code, String reason) {
    if (state != State.CLOSED) {
      respondError(0, new SealpostException(code, reason));
      close();
    }
  }

  private void close() {
    if (state != State.CLOSED) {
      transport.close();
      onClosed();
    }
  }

  /** Closes at once, dropping unsent bytes (the gateway instance is stopping). */
  void abort() {
    if (state != State.CLOSED) {
      transport.abort();
      onClosed();
    }
  }

  private void disconnectStoppedReader(String why) {
    ctx.metrics().slowReader();
    log.atInfo().addKeyValue(LOG_ID, id).log("{} - disconnecting {} from {}: it stopped reading ({})", transport.name(), device,
        transport.remoteIp(), why);
    transport.abort();
    onClosed();
  }

  /** Called now and then by the verticle: a device that stopped acking is parked, one that stopped reading dropped. */
  void checkStalled(long now) {
    if (delivery == null || state != State.OPEN) {
      return;
    }
    switch (delivery.checkStalled(now)) {
      case PARKED -> {
        ctx.metrics().parked();
        log.atInfo().addKeyValue(LOG_ID, id).log("{} - parking {}: no answer to its deliveries for {} ({} bytes unacked); "
            + "it gets more once it answers", transport.name(), device, ctx.config().ackTimeout(), delivery.unackedBytes());
      }
      case STOPPED_READING -> disconnectStoppedReader("no answer to its deliveries for " + ctx.config().ackTimeout()
          + " and " + delivery.unackedBytes() + " bytes unacked");
      case NONE -> { }
    }
  }

  void onTransportError(Throwable err) {
    log.atDebug().addKeyValue(LOG_ID, id).log("{} - transport error from {}: {}", transport.name(), transport.remoteIp(), err.toString());
  }

  void onClosed() {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasOpen = state == State.OPEN;
    state = State.CLOSED;
    releasePreAuthSlot();
    ctx.metrics().closed(transport.name(), wasOpen);
    if (authTimer >= 0) {
      vertx.cancelTimer(authTimer);
    }
    if (delivery != null) {
      delivery.stop();
    }
    pending.values().forEach(p -> p.tryFail("connection closed"));
    pending.clear();
    Future<Void> released = release();
    if (delivery != null && delivery.owesWake()) {
      ctx.router().wake(device); // once out of the node's devices, so a newer connection is told apart
    }
    released.onComplete(done -> closed.tryComplete());
  }

  private void releasePreAuthSlot() {
    if (holdsPreAuthSlot) {
      holdsPreAuthSlot = false;
      ctx.preAuth().release(transport.remoteIp());
    }
  }

  private Future<Void> releasing;

  /** The closing of the connection this one replaced (set when it claims the device). */
  private Future<Void> replacing = Future.succeededFuture();

  /** Leaves the device's address and directory entry (once). */
  private Future<Void> release() {
    if (releasing != null) {
      return releasing;
    }
    if (device == null || !registered) {
      releasing = Future.succeededFuture();
      return releasing;
    }
    Future<Void> hook = !hooked ? Future.succeededFuture() : ctx.hooks().closed(device).recover(err -> {
      log.atWarn().addKeyValue(LOG_ID, id).log("{} - connection hook on close failed: {}", device, err.getMessage());
      return Future.succeededFuture();
    });
    ctx.router().local().remove(device, endpoint);
    // A newer connection of the device here keeps the entry (it names this node all the same).
    Future<Void> left = ctx.router().local().contains(device) ? Future.succeededFuture()
        : ctx.sessions().unregister(device, ctx.router().nodeId())
            .onFailure(err -> log.atWarn().addKeyValue(LOG_ID, id).log("{} - leaving the session directory failed: {}", device, err.getMessage()));
    // Both finish before a replacing connection is told this one is gone.
    releasing = Future.join(hook, left).transform(done -> left);
    return releasing;
  }

  @Override
  public String toString() {
    return transport.name() + ":" + (device == null ? "unauthenticated" : device);
  }
}
