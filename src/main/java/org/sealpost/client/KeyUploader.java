package org.sealpost.client;

import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.time.Clock;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this device's keys on the server: the full set once (identity, signed prekey,
 * last-resort Kyber key, one-time keys), then one-time keys topped up to
 * {@value PreKeyGenerator#ONE_TIME_KEYS} of each kind whenever the server says they run low or
 * a connect finds fewer than {@value #REFILL_BELOW}. Without one-time keys, senders fall back to
 * the last-resort Kyber key and sessions lose the one-time EC key's forward secrecy.
 */
final class KeyUploader {
  private static final Logger log = LoggerFactory.getLogger(KeyUploader.class);
  static final int REFILL_BELOW = 20;

  private final FileProtocolStore store;
  private final CryptoWorker crypto;
  private final ServerApi api;
  private final Clock clock;
  private final String self;
  /** The refill in progress, so a keys-low signal during a connect-time refill does not upload twice. */
  private Future<Void> refilling;

  KeyUploader(FileProtocolStore store, CryptoWorker crypto, ServerApi api, Clock clock, String self) {
    this.store = store;
    this.crypto = crypto;
    this.api = api;
    this.clock = clock;
    this.self = self;
  }

  /** Uploads the full set if the server never accepted one, else refills when one-time keys are low. */
  Future<Void> ensure() {
    return crypto.run(() -> store.account().getKeysUploaded()).compose(uploaded -> uploaded
        ? api.call("GET", "/v1/keys/count", Empty.getDefaultInstance(), PreKeyCount.parser())
            .compose(count -> isLow(count) ? refill(count) : Future.succeededFuture())
        : uploadAll());
  }

  Future<Void> uploadAll() {
    return crypto.run(() -> store.files().batch(() -> PreKeyGenerator.full(store, clock.millis())))
        .compose(this::put)
        .compose(count -> crypto.run(() -> {
          store.updateAccount(store.account().toBuilder().setKeysUploaded(true).build());
          return null;
        }))
        .onSuccess(v -> log.info("{} - uploaded identity, signed prekey, last-resort key and one-time keys", self))
        .mapEmpty();
  }

  /** Tops one-time keys up to the target, given the server's counts. */
  Future<Void> refill(PreKeyCount count) {
    if (refilling != null) {
      return refilling;
    }
    int ec = Math.max(0, PreKeyGenerator.ONE_TIME_KEYS - count.getEcCount());
    int kyber = Math.max(0, PreKeyGenerator.ONE_TIME_KEYS - count.getKyberCount());
    if (ec == 0 && kyber == 0) {
      return Future.succeededFuture();
    }
    Future<Void> upload = crypto.run(() -> store.files().batch(() -> PreKeyGenerator.oneTime(store, ec, kyber,
            clock.millis())))
        .compose(this::put)
        .onSuccess(after -> log.info("{} - refilled one-time prekeys: {} EC, {} Kyber", self, ec, kyber))
        .mapEmpty();
    refilling = upload;
    upload.onComplete(done -> {
      if (refilling == upload) {
        refilling = null;
      }
    });
    return upload;
  }

  /** Uploads in frame-sized requests, one after another (the first one sets the identity). */
  private Future<PreKeyCount> put(PreKeyUpload upload) {
    Future<PreKeyCount> done = Future.succeededFuture();
    for (PreKeyUpload request : PreKeyGenerator.requests(upload)) {
      done = done.compose(previous -> api.call("PUT", "/v1/keys", request, PreKeyCount.parser()));
    }
    return done;
  }

  private static boolean isLow(PreKeyCount count) {
    return count.getEcCount() < REFILL_BELOW || count.getKyberCount() < REFILL_BELOW;
  }
}
