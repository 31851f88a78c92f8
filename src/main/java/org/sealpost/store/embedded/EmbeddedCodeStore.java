package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.CODES;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.sealpost.store.CodeStore;
import org.sealpost.store.proto.CodeRecord;

/**
 * Codes in the {@link ColumnFamily#CODES} column family. A check is one write operation, so the
 * single writer makes "match then delete" and "count a wrong attempt" atomic: of concurrent checks
 * with the right code exactly one sees the record.
 */
public final class EmbeddedCodeStore implements CodeStore {
  private final EmbeddedDatabase db;
  private final Records<String, CodeRecord> codes;

  public EmbeddedCodeStore(EmbeddedDatabase db) {
    this.db = db;
    this.codes = new Records<>(db, CODES, Keys::text, CodeRecord.parser());
  }

  @Override
  public Future<Void> put(String key, CodeRecord record) {
    return codes.put(key, record);
  }

  @Override
  public Future<Optional<CodeRecord>> get(String key) {
    return codes.get(key);
  }

  @Override
  public Future<CodeCheck> check(String key, String code, long nowMillis, int maxAttempts) {
    byte[] offered = code.getBytes(StandardCharsets.UTF_8);
    return db.write(
        txn -> {
          Optional<CodeRecord> found = codes.find(txn, key);
          if (found.isEmpty()) {
            return CodeCheck.ABSENT;
          }
          CodeRecord record = found.get();
          if (isExpired(record, nowMillis) || record.getAttempts() >= maxAttempts) {
            codes.delete(txn, key);
            return CodeCheck.ABSENT;
          }
          // Constant time, so response timing does not reveal how much of a guess was right.
          if (MessageDigest.isEqual(record.getCode().getBytes(StandardCharsets.UTF_8), offered)) {
            codes.delete(txn, key);
            return CodeCheck.MATCH;
          }
          int attempts = record.getAttempts() + 1;
          if (attempts >= maxAttempts) {
            codes.delete(txn, key);
          } else {
            codes.put(txn, key, record.toBuilder().setAttempts(attempts).build());
          }
          return CodeCheck.WRONG;
        });
  }

  @Override
  public Future<Long> deleteExpired(long nowMillis) {
    // A code can be replaced between the read and the write, so the write re-checks it.
    return new PagedDeletion(
            db,
            CODES,
            Keys.EMPTY,
            (key, value) -> expiredBefore(codes.parse(value), nowMillis),
            value -> expiredBefore(codes.parse(value), nowMillis))
        .run();
  }

  /** A code is valid up to, not including, its expires_at. */
  private static boolean isExpired(CodeRecord record, long nowMillis) {
    return nowMillis >= record.getExpiresAt();
  }

  private static boolean expiredBefore(CodeRecord record, long nowMillis) {
    return record.getExpiresAt() < nowMillis;
  }
}
