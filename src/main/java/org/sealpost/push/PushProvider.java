package org.sealpost.push;

import io.vertx.core.Future;
import org.sealpost.protocol.PushToken;

/**
 * Sends one content-free wake-up to one token (APNs, FCM, webhook). A failed future means the
 * provider could not be reached (network, timeout): transient, like {@link PushOutcome.Result#RETRY}.
 */
public interface PushProvider {
  /** The metrics tag: apns, fcm, webhook. */
  String name();

  Future<PushOutcome> send(PushToken token);
}
