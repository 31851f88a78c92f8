package org.sealpost.store;

import io.vertx.core.Future;

/** The stores one node runs on, chosen and opened by server/, closed on shutdown. */
public record Stores(
    AccountStore accounts,
    CodeStore codes,
    MessageQueueStore messages,
    PreKeyStore preKeys,
    RateLimitStore rateLimits,
    SessionDirectory sessions,
    PrivacyStore privacy,
    PresenceStore presence,
    GroupStore groups,
    PushTokenStore pushTokens,
    KeyLogStore keyLog,
    AutoCloseable resources) {

  public Future<Void> close(io.vertx.core.Vertx vertx) {
    return vertx.executeBlocking(() -> {
      resources.close();
      return null;
    });
  }
}
