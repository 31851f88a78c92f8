package org.sealpost.store;

import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.store.proto.CodeRecord;

/**
 * Short-lived single-use codes (registration verification codes, device link codes), keyed
 * by a caller-chosen string. A code is consumed at most once, even under concurrent checks.
 */
public interface CodeStore {

  /** Stores a code under key, replacing any previous one. */
  Future<Void> put(String key, CodeRecord record);

  Future<Optional<CodeRecord>> get(String key);

  /**
   * Atomically checks {@code code} against the record under key. On a match that has not
   * expired the record is deleted and the result is {@link CodeCheck#MATCH} (returned to
   * exactly one caller). A wrong code counts an attempt; at {@code maxAttempts} the record is
   * deleted.
   */
  Future<CodeCheck> check(String key, String code, long nowMillis, int maxAttempts);

  /** Deletes records that expired before {@code nowMillis}; returns how many. */
  Future<Long> deleteExpired(long nowMillis);

  enum CodeCheck {
    MATCH,
    WRONG,
    /** There is no code, it expired, or too many wrong attempts used it up. */
    ABSENT
  }
}
