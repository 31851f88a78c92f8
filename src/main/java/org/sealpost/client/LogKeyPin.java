package org.sealpost.client;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key log's public key this device pinned: every tree head must verify under it, so a server
 * cannot later show this device a log signed by another key. It is pinned when the account is
 * created ({@link SealpostClient#register}, {@link SealpostClient#link}); a state directory made
 * before key transparency pins it at first use, with a warning, since that first fetch is
 * trusted blindly. Used on the client's context.
 */
final class LogKeyPin {
  private static final Logger log = LoggerFactory.getLogger(LogKeyPin.class);

  private final KeyLogStateFile state;
  private final CryptoWorker crypto;
  private final KeyLogServer server;
  private final String self;
  private volatile PublicKey pinned;

  LogKeyPin(KeyLogStateFile state, CryptoWorker crypto, KeyLogServer server, String self) {
    this.state = state;
    this.crypto = crypto;
    this.server = server;
    this.self = self;
  }

  /** The pinned key; fetched and pinned first when the state has none. */
  Future<PublicKey> key() {
    PublicKey known = pinned;
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return crypto.run(() -> state.get().getLogKey())
        .compose(stored -> stored.isEmpty() ? pinAtFirstUse() : Future.succeededFuture(stored))
        .compose(bytes -> crypto.run(() -> decode(bytes.toByteArray())))
        .onSuccess(key -> pinned = key);
  }

  private Future<ByteString> pinAtFirstUse() {
    return server.key().compose(answer -> crypto.run(() -> {
      decode(answer.getPublicKey().toByteArray());
      ByteString kept = state.update(s -> s.getLogKey().isEmpty()
          ? s.toBuilder().setLogKey(answer.getPublicKey()).build() : s).getLogKey();
      log.warn("{} - this state directory had no pinned key-log key (made before key transparency): "
          + "pinned the one the server gave now, unverified", self);
      return kept;
    }));
  }

  /** An Ed25519 key from its X.509 SubjectPublicKeyInfo encoding. */
  static PublicKey decode(byte[] encoded) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new KeyTransparencyException("the key log's public key is not an Ed25519 key");
    }
  }
}
