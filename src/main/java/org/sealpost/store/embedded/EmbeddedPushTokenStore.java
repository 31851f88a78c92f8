package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.PUSH_TOKENS;

import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Optional;
import org.sealpost.protocol.PushToken;
import org.sealpost.store.DeviceKey;
import org.sealpost.store.PushTokenStore;

/** Push tokens in {@link ColumnFamily#PUSH_TOKENS}, one record per device. */
public final class EmbeddedPushTokenStore implements PushTokenStore {
  private final EmbeddedDatabase db;

  public EmbeddedPushTokenStore(EmbeddedDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Optional<PushToken>> get(DeviceKey device) {
    return db.read(reader -> Optional.ofNullable(reader.get(PUSH_TOKENS, Keys.device(device)))
        .map(bytes -> Keys.parse(PushToken.parser(), bytes)));
  }

  @Override
  public Future<Void> put(DeviceKey device, PushToken token) {
    return db.write(txn -> {
      txn.put(PUSH_TOKENS, Keys.device(device), token.toByteArray());
      return null;
    });
  }

  @Override
  public Future<Void> remove(DeviceKey device) {
    return db.write(txn -> {
      txn.delete(PUSH_TOKENS, Keys.device(device));
      return null;
    });
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
      txn.delete(PUSH_TOKENS, Keys.device(device));
      return true;
    });
  }
}
