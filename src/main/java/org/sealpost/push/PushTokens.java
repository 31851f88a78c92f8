package org.sealpost.push;

import io.vertx.core.Future;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.sealpost.api.DeviceKey;
import org.sealpost.config.PushConfig;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import org.sealpost.store.PushTokenStore;

/**
 * A device's own push registration (PUT/GET/DELETE /v1/push/token): checks a token against what
 * this server can push to and stores it normalized (fields of other types cleared).
 */
public final class PushTokens {
  private static final Pattern APNS_TOKEN = Pattern.compile("[0-9a-fA-F]{16,200}");
  private static final Pattern FCM_TOKEN = Pattern.compile("[A-Za-z0-9:_\\-.]{1,4096}");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9.\\-_]{1,255}");
  private static final int MAX_URL = 2048;

  private final PushConfig config;
  private final PushTokenStore store;

  public PushTokens(PushConfig config, PushTokenStore store) {
    this.config = config;
    this.store = store;
  }

  public Future<Void> register(DeviceKey device, PushToken token) {
    PushToken normalized;
    try {
      normalized = validate(token);
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
    return store.put(device, normalized);
  }

  public Future<PushToken> get(DeviceKey device) {
    return store.get(device).compose(token -> token.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(SealpostException.notFound("no push token registered"))));
  }

  public Future<Void> unregister(DeviceKey device) {
    return store.remove(device);
  }

  PushToken validate(PushToken token) {
    return switch (token.getType()) {
      case APNS -> {
        require(config.apns().enabled(), "APNs pushes are not enabled on this server");
        require(APNS_TOKEN.matcher(token.getToken()).matches(), "token must be an APNs device token (hex)");
        require(token.getTopic().isEmpty() ? !config.apns().topic().isEmpty() : TOPIC.matcher(token.getTopic()).matches(),
            "topic must be the app's bundle id");
        yield PushToken.newBuilder().setType(PushType.APNS).setToken(token.getToken().toLowerCase(Locale.ROOT))
            .setTopic(token.getTopic()).build();
      }
      case FCM -> {
        require(config.fcm().enabled(), "FCM pushes are not enabled on this server");
        require(FCM_TOKEN.matcher(token.getToken()).matches(), "token must be an FCM registration token");
        yield PushToken.newBuilder().setType(PushType.FCM).setToken(token.getToken()).build();
      }
      case WEBHOOK -> {
        require(config.webhook().enabled(), "webhook pushes are not enabled on this server");
        requireWebhookUrl(token.getUrl());
        yield PushToken.newBuilder().setType(PushType.WEBHOOK).setUrl(token.getUrl()).build();
      }
      default -> throw SealpostException.badRequest("type must be APNS, FCM or WEBHOOK");
    };
  }

  /**
   * https only, no credentials in the URL; plain http only to a loopback literal and only when
   * configured (tests, a distributor on the same host). Host names are not resolved here.
   */
  private void requireWebhookUrl(String url) {
    require(!url.isEmpty() && url.length() <= MAX_URL, "url must be an https URL of at most " + MAX_URL + " characters");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw SealpostException.badRequest("url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    require(uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawFragment() == null,
        "url must be an absolute URL with a host and no credentials");
    boolean loopback = isLoopback(uri.getHost());
    require(scheme.equals("https") || (scheme.equals("http") && loopback && config.webhook().allowHttpLoopback()),
        "url must be https");
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw SealpostException.badRequest(message);
    }
  }
}
