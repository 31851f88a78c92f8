package org.sealpost.push;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import org.sealpost.config.PushConfig;

/** The HTTP clients providers use: TLS with ALPN, HTTP/2 where the provider requires it. */
final class ProviderClients {
  private ProviderClients() {}

  /**
   * @param http2 APNs requires HTTP/2 (FCM prefers it); webhooks get whatever ALPN agrees on
   */
  static HttpClient create(Vertx vertx, PushConfig config, boolean http2) {
    HttpClientOptions options = new HttpClientOptions()
        .setUseAlpn(true)
        .setProtocolVersion(http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
        .setAlpnVersions(http2 ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1) : List.of(HttpVersion.HTTP_1_1))
        .setVerifyHost(true)
        .setConnectTimeout((int) config.requestTimeout().toMillis())
        .setIdleTimeout(60);
    options.getSslOptions().setHostnameVerificationAlgorithm("HTTPS");
    if (!config.trustFile().isEmpty()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(config.trustFile()));
    }
    return vertx.createHttpClient(options);
  }
}
