package org.sealpost.config;

import java.time.Duration;

/**
 * Wake-up pushes to devices that have envelopes queued and no connection: which providers are on,
 * where they are (endpoints are configuration, so tests and private gateways can stand in), and
 * how often and how persistently the server pushes.
 *
 * @param trustFile PEM certificates trusted for provider connections instead of the JVM's CAs;
 *     empty = the JVM's default trust store (the real providers)
 * @param minInterval at most one wake-up per device this often; requests in between are folded
 * @param maxAttempts attempts of one wake-up (the first and the retries) on transient failures
 * @param backoff wait before the first retry, doubled for each next one (a provider's Retry-After wins
 *     when longer)
 * @param requestTimeout one provider request (and one OAuth2 token request)
 */
public record PushConfig(
    ApnsConfig apns,
    FcmConfig fcm,
    WebhookConfig webhook,
    String trustFile,
    Duration minInterval,
    int maxAttempts,
    Duration backoff,
    Duration requestTimeout) {

  public PushConfig {
    apns = apns == null ? ApnsConfig.defaults() : apns;
    fcm = fcm == null ? FcmConfig.defaults() : fcm;
    webhook = webhook == null ? WebhookConfig.defaults() : webhook;
    trustFile = trustFile == null ? "" : trustFile;
    SealpostConfig.check(minInterval != null && !minInterval.isNegative(), "push.minInterval must be >= 0");
    SealpostConfig.check(maxAttempts >= 1, "push.maxAttempts must be >= 1");
    SealpostConfig.check(backoff != null && backoff.toMillis() > 0, "push.backoff must be > 0");
    SealpostConfig.check(requestTimeout != null && requestTimeout.toMillis() > 0, "push.requestTimeout must be > 0");
  }

  public static PushConfig defaults() {
    return new PushConfig(ApnsConfig.defaults(), FcmConfig.defaults(), WebhookConfig.defaults(), "",
        Duration.ofSeconds(10), 5, Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  /**
   * Apple Push Notification service over HTTP/2 with token (ES256 JWT) authentication.
   *
   * @param endpoint {@code https://api.push.apple.com}, or {@code https://api.sandbox.push.apple.com}
   *     for development builds
   * @param teamId the Apple developer team id (the JWT's iss)
   * @param keyId the id of the signing key (the JWT's kid)
   * @param privateKeyFile the .p8 file Apple issued (PKCS#8 PEM, EC P-256)
   * @param topic the app's bundle id, used when a device registers no topic of its own
   */
  public record ApnsConfig(boolean enabled, String endpoint, String teamId, String keyId, String privateKeyFile,
      String topic) {
    public ApnsConfig {
      endpoint = endpoint == null ? "" : endpoint;
      teamId = teamId == null ? "" : teamId;
      keyId = keyId == null ? "" : keyId;
      privateKeyFile = privateKeyFile == null ? "" : privateKeyFile;
      topic = topic == null ? "" : topic;
      SealpostConfig.check(!enabled || endpoint.startsWith("https://"), "push.apns.endpoint must be an https URL");
      SealpostConfig.check(!enabled || !(teamId.isEmpty() || keyId.isEmpty() || privateKeyFile.isEmpty()),
          "push.apns needs teamId, keyId and privateKeyFile when enabled");
    }

    public static ApnsConfig defaults() {
      return new ApnsConfig(false, "https://api.push.apple.com", "", "", "", "");
    }
  }

  /**
   * Firebase Cloud Messaging HTTP v1, authorized with an OAuth2 token from a service account.
   *
   * @param endpoint the FCM API base URL
   * @param serviceAccountFile the service account's JSON key file (project_id, client_email,
   *     private_key, token_uri)
   * @param tokenUri where to get OAuth2 access tokens; empty = the service account's token_uri
   */
  public record FcmConfig(boolean enabled, String endpoint, String serviceAccountFile, String tokenUri) {
    public FcmConfig {
      endpoint = endpoint == null ? "" : endpoint;
      serviceAccountFile = serviceAccountFile == null ? "" : serviceAccountFile;
      tokenUri = tokenUri == null ? "" : tokenUri;
      SealpostConfig.check(!enabled || endpoint.startsWith("https://"), "push.fcm.endpoint must be an https URL");
      SealpostConfig.check(!enabled || !serviceAccountFile.isEmpty(), "push.fcm.serviceAccountFile is needed when enabled");
    }

    public static FcmConfig defaults() {
      return new FcmConfig(false, "https://fcm.googleapis.com", "", "");
    }
  }

  /**
   * Plain HTTPS POSTs to a URL each device registers (UnifiedPush-style distributors).
   *
   * @param allowHttpLoopback also accept http:// URLs to a loopback address (tests, a local distributor)
   */
  public record WebhookConfig(boolean enabled, boolean allowHttpLoopback) {
    public static WebhookConfig defaults() {
      return new WebhookConfig(false, false);
    }
  }
}
