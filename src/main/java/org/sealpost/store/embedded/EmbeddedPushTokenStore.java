package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.PUSH_TOKENS;

import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.PushToken;
import org.sealpost.store.PushTokenStore;

/** Push tokens in {@link ColumnFamily#PUSH_TOKENS}, one record per device. */
public final class EmbeddedPushTokenStore implements PushTokenStore {
  private final EmbeddedDatabase db;
  private final Records<DeviceKey, PushToken> tokens;

  public EmbeddedPushTokenStore(EmbeddedDatabase db) {
    this.db = db;
    this.tokens = new Records<>(db, PUSH_TOKENS, Keys::device, PushToken.parser());
  }

  @Override
  public Future<Optional<PushToken>> get(DeviceKey device) {
    return tokens.get(device);
  }

  @Override
  public Future<Void> put(DeviceKey device, PushToken token) {
    return tokens.put(device, token);
  }

  @Override
  public Future<Void> remove(DeviceKey device) {
    return tokens.delete(device);
  }

  /** The compare and the delete run in one write, so a put in between cannot be lost. */
  @Override
  public Future<Boolean> removeIfCurrent(DeviceKey device, PushToken token) {
    byte[] expected = token.toByteArray();
    return db.write(txn -> {
      byte[] current = txn.get(PUSH_TOKENS, Keys.device(device));
      if (current == null || !Arrays.equals(current, expected)) {
        return false;
      }
      tokens.delete(txn, device);
      return true;
    });
  }
}
