package org.sealpost.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sealpost.api.ApiRoutes;
import org.sealpost.api.BasicAuth;
import org.sealpost.api.Call;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.api.Route;
import org.sealpost.errors.Errors;
import org.sealpost.errors.RateLimitedException;
import org.sealpost.errors.SealpostException;

/**
 * The REST edge over {@link ApiRoutes}: JSON bodies (protobuf's JSON mapping) or protobuf with
 * {@code Content-Type: application/x-protobuf}; devices authenticate with Basic auth
 * {@code NUMBER.DEVICE_ID:PASSWORD}. Also serves /health and /metrics.
 */
final class HttpApi {
  static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private final Vertx vertx;
  private final GatewayContext ctx;
  private final PrometheusMeterRegistry prometheus;
  private final BooleanSupplier draining;
  private final java.util.function.Consumer<Router> operator;
  private final JsonFormat.Parser jsonParser = JsonFormat.parser().ignoringUnknownFields();
  private final JsonFormat.Printer jsonPrinter = JsonFormat.printer().omittingInsignificantWhitespace();

  HttpApi(Vertx vertx, GatewayContext ctx, PrometheusMeterRegistry prometheus, BooleanSupplier draining,
      java.util.function.Consumer<Router> operator) {
    this.operator = operator;
    this.vertx = vertx;
    this.ctx = ctx;
    this.prometheus = prometheus;
    this.draining = draining;
  }

  Router router() {
    Router router = Router.router(vertx);
    // A draining node (graceful shutdown) answers 503 so load balancers stop sending clients here.
    router.get("/health").handler(rc -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .setStatusCode(draining.getAsBoolean() ? 503 : 200)
        .end(draining.getAsBoolean() ? "{\"status\":\"DRAINING\"}" : "{\"status\":\"UP\"}"));
    operator.accept(router); // /health/live, /health/ready, /admin (org.sealpost.ops)
    if (prometheus != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(ctx.config().maxFrameBytes());
    for (Route route : ctx.routes().all()) {
      router.route(HttpMethod.valueOf(route.verb()), route.path())
          .handler(bodies)
          .handler(rc -> handle(rc, route));
    }
    router.route().last().handler(rc -> fail(rc, SealpostException.notFound(Connection.NO_ROUTE)));
    router.errorHandler(413, rc -> fail(rc, SealpostException.tooLarge("request body exceeds " + ctx.config().maxFrameBytes() + " bytes")));
    router.errorHandler(500, rc -> fail(rc, Errors.toSealpost(rc.failure(), "req=" + requestId(rc) + " http " + PhoneNumbers.redactAll(rc.request().path()))));
    return router;
  }

  private void handle(RoutingContext rc, Route route) {
    Message body;
    try {
      body = parse(rc, route.requestType());
      KnownEnums.check(body);
    } catch (SealpostException e) {
      fail(rc, e);
      return;
    }
    String clientIp = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
    List<String> params = new ArrayList<>();
    for (String segment : route.path().split("/")) {
      if (segment.startsWith(":")) {
        params.add(rc.pathParam(segment.substring(1)));
      }
    }
    Future<DeviceKey> device = route.access() == Route.Access.PUBLIC
        ? Future.succeededFuture(null)
        : authenticate(rc, clientIp);
    device.compose(key -> ApiRoutes.invoke(route, new Call(key, params, body, clientIp)))
        .onSuccess(result -> respond(rc, 200, result))
        .onFailure(err -> fail(rc, Errors.toSealpost(err, "req=" + requestId(rc) + " http " + route.verb() + " " + route.path())));
  }

  private static final java.util.concurrent.atomic.AtomicLong REQUEST_IDS = new java.util.concurrent.atomic.AtomicLong();

  /** The request's id, also sent as X-Request-Id, so a client's report finds the server's log line. */
  private static String requestId(RoutingContext rc) {
    String id = rc.get("requestId");
    if (id == null) {
      id = "r" + Long.toHexString(REQUEST_IDS.incrementAndGet());
      rc.put("requestId", id);
      if (!rc.response().headWritten()) {
        rc.response().putHeader("X-Request-Id", id);
      }
    }
    return id;
  }

  private Future<DeviceKey> authenticate(RoutingContext rc, String clientIp) {
    return BasicAuth.authenticate(ctx.authenticator(), rc.request().getHeader(HttpHeaders.AUTHORIZATION), clientIp);
  }

  private Message parse(RoutingContext rc, Message type) {
    Buffer raw = rc.body() == null ? null : rc.body().buffer();
    if (raw == null || raw.length() == 0) {
      return type.getDefaultInstanceForType();
    }
    String contentType = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    try {
      if (contentType != null && contentType.startsWith(PROTOBUF)) {
        return type.getParserForType().parseFrom(raw.getBytes());
      }
      if (contentType != null && !contentType.startsWith(JSON)) {
        throw new SealpostException(org.sealpost.errors.ErrorCode.BAD_REQUEST,
            "Content-Type must be " + JSON + " or " + PROTOBUF);
      }
      Message.Builder builder = type.newBuilderForType();
      jsonParser.merge(raw.toString(StandardCharsets.UTF_8), builder);
      return builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      if (e instanceof SealpostException known) {
        throw known;
      }
      throw SealpostException.badRequest("body is not a valid " + type.getDescriptorForType().getName());
    }
  }

  private void respond(RoutingContext rc, int status, Message body) {
    if (rc.response().ended()) {
      return;
    }
    boolean protobuf = wantsProtobuf(rc);
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, protobuf ? PROTOBUF : JSON);
    if (protobuf) {
      rc.response().end(Buffer.buffer(body.toByteArray()));
      return;
    }
    try {
      rc.response().end(jsonPrinter.print(body));
    } catch (InvalidProtocolBufferException e) {
      rc.response().setStatusCode(500).end("{\"code\":\"INTERNAL\"}");
    }
  }

  private void fail(RoutingContext rc, SealpostException error) {
    if (error instanceof RateLimitedException limited) {
      rc.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, limited.retryAfter().toSeconds())));
    }
    respond(rc, error.code().status(), error.toBody());
  }

  private static boolean wantsProtobuf(RoutingContext rc) {
    String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
    String contentType = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    return (accept != null && accept.contains(PROTOBUF)) || (contentType != null && contentType.startsWith(PROTOBUF));
  }
}
