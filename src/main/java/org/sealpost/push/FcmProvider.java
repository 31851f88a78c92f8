package org.sealpost.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import org.sealpost.config.PushConfig;
import org.sealpost.protocol.PushToken;

/**
 * FCM HTTP v1. Authorization is an OAuth2 access token for the service account: an RS256-signed
 * JWT assertion exchanged at the token URI (grant type jwt-bearer), cached until shortly before
 * it expires and shared by concurrent sends. The message is data-only with high Android priority
 * (so the app wakes) and a collapse key; its data says only "wake".
 */
final class FcmProvider implements PushProvider {
  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  static final String COLLAPSE_KEY = "sealpost-wake";
  private static final long EXPIRY_MARGIN_MS = 60_000;

  private final HttpClient client;
  private final PushConfig config;
  private final ServiceAccount account;
  private final Clock clock;
  private Future<String> accessToken;
  private long accessTokenExpires;

  /** The fields of a service-account JSON key file that signing needs. */
  record ServiceAccount(String projectId, String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri) {
    static ServiceAccount parse(JsonObject json, String tokenUriOverride) {
      return new ServiceAccount(json.getString("project_id", ""), json.getString("client_email", ""),
          json.getString("private_key_id", ""), Jwt.pkcs8(json.getString("private_key", ""), "RSA"),
          tokenUriOverride.isEmpty() ? json.getString("token_uri", "https://oauth2.googleapis.com/token") : tokenUriOverride);
    }
  }

  FcmProvider(HttpClient client, PushConfig config, ServiceAccount account, Clock clock) {
    this.client = client;
    this.config = config;
    this.account = account;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "fcm";
  }

  @Override
  public Future<PushOutcome> send(PushToken token) {
    return send(token, true);
  }

  private Future<PushOutcome> send(PushToken token, boolean mayRefresh) {
    JsonObject message = new JsonObject().put("message", new JsonObject()
        .put("token", token.getToken())
        .put("data", new JsonObject().put("sealpost", "wake"))
        .put("android", new JsonObject().put("priority", "high").put("collapse_key", COLLAPSE_KEY)));
    return accessToken().compose(bearer -> client.request(new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(config.fcm().endpoint() + "/v1/projects/" + account.projectId() + "/messages:send")
                .setTimeout(config.requestTimeout().toMillis())
                .putHeader("authorization", "Bearer " + bearer)
                .putHeader("content-type", "application/json; charset=UTF-8"))
            .compose(req -> req.send(message.toBuffer()).compose(response -> response.body().map(body -> outcome(response, body))))
            .compose(outcome -> {
              if (outcome.result() == PushOutcome.Result.FAILED && outcome.reason().startsWith("401") && mayRefresh) {
                forget(bearer);
                return send(token, false);
              }
              return Future.succeededFuture(outcome);
            }));
  }

  private static PushOutcome outcome(HttpClientResponse response, Buffer body) {
    int status = response.statusCode();
    if (status == 200) {
      return PushOutcome.delivered();
    }
    String detail = errorCode(body);
    if (status == 404 || detail.equals("UNREGISTERED") || (status == 400 && detail.equals("INVALID_ARGUMENT"))) {
      return PushOutcome.unregistered(status + " " + detail);
    }
    if (status == 429 || status >= 500) {
      return PushOutcome.retry(status + " " + detail, PushOutcome.retryAfter(response.getHeader("retry-after")));
    }
    return PushOutcome.failed(status + " " + detail);
  }

  /** The FcmError errorCode in the error details, else the error status (INVALID_ARGUMENT, ...). */
  private static String errorCode(Buffer body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error", new JsonObject());
      JsonArray details = error.getJsonArray("details", new JsonArray());
      for (int i = 0; i < details.size(); i++) {
        String code = details.getJsonObject(i).getString("errorCode");
        if (code != null) {
          return code;
        }
      }
      return error.getString("status", "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  private synchronized void forget(String bearer) {
    if (accessToken != null && accessToken.succeeded() && bearer.equals(accessToken.result())) {
      accessToken = null;
    }
  }

  /** The cached access token, or one request for a new one that every caller meanwhile shares. */
  synchronized Future<String> accessToken() {
    long now = clock.millis();
    if (accessToken != null && (!accessToken.isComplete() || (accessToken.succeeded() && now < accessTokenExpires))) {
      return accessToken;
    }
    Promise<String> promise = Promise.promise();
    accessToken = promise.future();
    long iat = now / 1000;
    String assertion = Jwt.rs256(account.privateKey(), new JsonObject().put("kid", account.privateKeyId()),
        new JsonObject().put("iss", account.clientEmail()).put("scope", SCOPE).put("aud", account.tokenUri())
            .put("iat", iat).put("exp", iat + 3600));
    String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&assertion=" + assertion;
    client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(account.tokenUri())
            .setTimeout(config.requestTimeout().toMillis())
            .putHeader("content-type", "application/x-www-form-urlencoded"))
        .compose(req -> req.send(Buffer.buffer(form)).compose(response -> response.body().compose(body -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("OAuth2 token request answered " + response.statusCode() + ": " + body);
          }
          JsonObject json = new JsonObject(body);
          String token = json.getString("access_token");
          if (token == null) {
            return Future.failedFuture("OAuth2 token response without access_token");
          }
          synchronized (this) {
            accessTokenExpires = clock.millis() + json.getLong("expires_in", 3600L) * 1000 - EXPIRY_MARGIN_MS;
          }
          return Future.succeededFuture(token);
        })))
        .onComplete(promise);
    return accessToken;
  }
}
