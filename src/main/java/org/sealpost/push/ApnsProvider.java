package org.sealpost.push;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import org.sealpost.config.PushConfig;
import org.sealpost.protocol.PushToken;

/**
 * APNs over HTTP/2 with token authentication: an ES256 provider token (JWT with iss = team id,
 * kid = key id), reused for {@link #TOKEN_LIFETIME} (Apple refuses tokens older than an hour and
 * throttles ones renewed more often than every 20 minutes). The push is a background one
 * ({@code content-available}) with no alert and no message data.
 */
final class ApnsProvider implements PushProvider {
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(50);
  /** One wake-up replaces an earlier undelivered one on the device. */
  static final String COLLAPSE_ID = "sealpost-wake";
  static final String PAYLOAD = new JsonObject().put("aps", new JsonObject().put("content-available", 1)).encode();
  private static final Duration EXPIRATION = Duration.ofDays(1);

  private final HttpClient client;
  private final PushConfig config;
  private final PrivateKey key;
  private final Clock clock;
  private String jwt;
  private long jwtIssuedAt;

  ApnsProvider(HttpClient client, PushConfig config, PrivateKey key, Clock clock) {
    this.client = client;
    this.config = config;
    this.key = key;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "apns";
  }

  @Override
  public Future<PushOutcome> send(PushToken token) {
    return send(token, true);
  }

  private Future<PushOutcome> send(PushToken token, boolean mayRefresh) {
    String issued = providerToken();
    String topic = token.getTopic().isEmpty() ? config.apns().topic() : token.getTopic();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(config.apns().endpoint() + "/3/device/" + token.getToken())
        .setTimeout(config.requestTimeout().toMillis())
        .putHeader("authorization", "bearer " + issued)
        .putHeader("apns-topic", topic)
        .putHeader("apns-push-type", "background")
        .putHeader("apns-priority", "5")
        .putHeader("apns-collapse-id", COLLAPSE_ID)
        .putHeader("apns-expiration", Long.toString(clock.instant().plus(EXPIRATION).getEpochSecond()))
        .putHeader("content-type", "application/json");
    return client.request(request)
        .compose(req -> req.send(Buffer.buffer(PAYLOAD)).compose(response -> response.body().map(body -> outcome(response, body))))
        .compose(outcome -> {
          if (outcome.result() == PushOutcome.Result.FAILED && outcome.reason().equals("ExpiredProviderToken")
              && mayRefresh) {
            synchronized (this) {
              if (issued.equals(jwt)) {
                jwt = null;
              }
            }
            return send(token, false);
          }
          return Future.succeededFuture(outcome);
        });
  }

  private static PushOutcome outcome(HttpClientResponse response, Buffer body) {
    int status = response.statusCode();
    if (status == 200) {
      return PushOutcome.delivered();
    }
    String reason = reason(body);
    if (status == 410 || (status == 400 && (reason.equals("BadDeviceToken") || reason.equals("DeviceTokenNotForTopic")))) {
      return PushOutcome.unregistered(reason);
    }
    if (status == 429 || status >= 500) {
      return PushOutcome.retry(status + " " + reason, PushOutcome.retryAfter(response.getHeader("retry-after")));
    }
    return PushOutcome.failed(reason.isEmpty() ? Integer.toString(status) : reason);
  }

  private static String reason(Buffer body) {
    try {
      return body.length() == 0 ? "" : new JsonObject(body).getString("reason", "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The cached provider token, re-signed once it is {@link #TOKEN_LIFETIME} old. */
  synchronized String providerToken() {
    long now = clock.millis();
    if (jwt == null || now - jwtIssuedAt >= TOKEN_LIFETIME.toMillis()) {
      jwt = Jwt.es256(key, new JsonObject().put("kid", config.apns().keyId()),
          new JsonObject().put("iss", config.apns().teamId()).put("iat", now / 1000));
      jwtIssuedAt = now;
    }
    return jwt;
  }
}
