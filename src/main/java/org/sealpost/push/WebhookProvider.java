package org.sealpost.push;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.sealpost.config.PushConfig;
import org.sealpost.protocol.PushToken;

/**
 * A POST to the URL the device registered (UnifiedPush-style): a tiny body that says only "wake".
 * Redirects are not followed (the URL is the device's choice, the target must not be).
 */
final class WebhookProvider implements PushProvider {
  static final String BODY = new JsonObject().put("sealpost", "wake").encode();

  private final HttpClient client;
  private final PushConfig config;

  WebhookProvider(HttpClient client, PushConfig config) {
    this.client = client;
    this.config = config;
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Future<PushOutcome> send(PushToken token) {
    return client.request(new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(token.getUrl())
            .setFollowRedirects(false)
            .setTimeout(config.requestTimeout().toMillis())
            .putHeader("content-type", "application/json")
            .putHeader("ttl", "86400")
            .putHeader("urgency", "high"))
        .compose(req -> req.send(BODY).compose(response -> response.body().map(body -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return PushOutcome.delivered();
          }
          if (status == 404 || status == 410) {
            return PushOutcome.unregistered(Integer.toString(status));
          }
          if (status == 429 || status >= 500) {
            return PushOutcome.retry(Integer.toString(status), PushOutcome.retryAfter(response.getHeader("retry-after")));
          }
          return PushOutcome.failed(Integer.toString(status));
        })));
  }
}
