package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.sealpost.api.DeviceKey;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedPreKey;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.proto.DeviceKeysRecord;

/**
 * Prekeys in the {@code prekeys} table: one partition per device. The head row (kind 0) holds the
 * DeviceKeysRecord, a version, the one-time key counts and a floor per kind; one-time keys are rows
 * of kind 1 (EC) and 2 (Kyber) ordered by key id.
 *
 * <p>Every change is one conditional batch on the head's version, after serial reads: a take reads
 * the head and the first key of each kind, then deletes those keys, decrements the counts and moves
 * the floors past them IF the version is still the one it read. Two takes that read the same key
 * cannot both apply, so each one-time key is handed out at most once, and a put that changes the
 * identity (deleting the old keys in the same batch) cannot interleave with a take, so no take pairs
 * a new identity with a key of the old one. Takes and puts of one device are lined up within a node.
 *
 * <p>Takes read from the floors (no key of that kind has a smaller id), so they never scan the
 * tombstones of keys taken before. Keys replaced by a new identity are deleted with range
 * tombstones around the ids being written, because a tombstone and a write in one batch share a
 * timestamp and the tombstone would win.
 */
final class CassandraPreKeyStore implements PreKeyStore {
  private static final int EC = 1;
  private static final int KYBER = 2;

  private enum Statement {
    @Cql.Text("SELECT record, version, ec_count, kyber_count, ec_floor, kyber_floor FROM ${keyspace}.prekeys"
        + " WHERE number = ? AND device = ? AND kind = 0 AND key_id = 0")
    HEAD,
    @Cql.Text("SELECT key_id, key FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ?"
        + " AND key_id >= ? LIMIT 1")
    FIRST,
    @Cql.Text("SELECT key_id FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ?"
        + " AND key_id IN ?")
    EXISTING,
    @Cql.Text("INSERT INTO ${keyspace}.prekeys (number, device, kind, key_id, record, version, ec_count,"
        + " kyber_count, ec_floor, kyber_floor) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?) IF NOT EXISTS")
    CREATE_HEAD,
    @Cql.Text("UPDATE ${keyspace}.prekeys SET record = ?, version = ?, ec_count = ?, kyber_count = ?,"
        + " ec_floor = ?, kyber_floor = ? WHERE number = ? AND device = ? AND kind = 0 AND key_id = 0"
        + " IF version = ?")
    UPDATE_HEAD,
    @Cql.Text("INSERT INTO ${keyspace}.prekeys (number, device, kind, key_id, key) VALUES (?, ?, ?, ?, ?)")
    PUT_KEY,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ? AND key_id = ?")
    DELETE_KEY,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ?")
    DELETE_KIND,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ? AND key_id < ?")
    DELETE_BELOW,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ?"
        + " AND key_id > ? AND key_id < ?")
    DELETE_BETWEEN,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = ? AND key_id > ?")
    DELETE_ABOVE,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ? AND kind = 0 AND key_id = 0"
        + " IF version = ?")
    DELETE_HEAD,
    @Cql.Text("DELETE FROM ${keyspace}.prekeys WHERE number = ? AND device = ?")
    DELETE_DEVICE
  }

  /** The head row as read. */
  private record Head(DeviceKeysRecord record, UUID version, int ecCount, int kyberCount, long ecFloor,
      long kyberFloor) {}

  private final Cql cql;
  private final KeyedSequencer<DeviceKey> writes;
  private final Statements<Statement> statements;

  private CassandraPreKeyStore(Cql cql, Statements<Statement> statements) {
    this.cql = cql;
    this.writes = new KeyedSequencer<>(cql.vertx());
    this.statements = statements;
  }

  static Future<CassandraPreKeyStore> prepare(Cql cql) {
    return cql.prepareAll(Statement.class)
        .map(statements -> new CassandraPreKeyStore(cql, statements));
  }

  @Override
  public Future<PreKeyCount> put(DeviceKey device, PreKeyUpload keys) {
    if (keys.getIdentityKey().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("keys without identity key"));
    }
    // By id, the last of a repeated id winning: two writes of one row in a batch would not say which.
    TreeMap<Long, PreKey> ec = new TreeMap<>();
    keys.getOneTimePreKeysList().forEach(key -> ec.put(Integer.toUnsignedLong(key.getKeyId()), key));
    TreeMap<Long, SignedPreKey> kyber = new TreeMap<>();
    keys.getOneTimeKyberPreKeysList().forEach(key -> kyber.put(Integer.toUnsignedLong(key.getKeyId()), key));
    return writes.submit(device, () -> CasLoop.run(cql, "storing prekeys", attempt ->
        head(device, true).compose(found -> {
          if (found.isPresent() && found.get().record().getIdentityKey().equals(keys.getIdentityKey())) {
            return add(device, found.get(), keys, ec, kyber);
          }
          if (!keys.hasSignedPreKey() || !keys.hasLastResortKyberPreKey()) {
            throw SealpostException.badRequest(
                "keys for a new identity key must include signedPreKey and lastResortKyberPreKey");
          }
          return replace(device, found, keys, ec, kyber);
        })));
  }

  @Override
  public Future<Optional<ByteString>> identityKey(DeviceKey device) {
    return head(device, false).map(head -> head.map(h -> h.record().getIdentityKey()));
  }

  @Override
  public Future<Optional<TakenBundle>> take(DeviceKey device) {
    return writes.submit(device, () -> CasLoop.run(cql, "taking prekeys", attempt ->
        head(device, true).compose(found -> found.isEmpty()
            ? CasLoop.done(Optional.<TakenBundle>empty())
            : take(device, found.get()))));
  }

  @Override
  public Future<PreKeyCount> count(DeviceKey device) {
    return head(device, false).map(head -> head.map(h -> counts(h.ecCount(), h.kyberCount())).orElse(counts(0, 0)));
  }

  /** Deletes the whole partition, IF the head is still the one read (which anchors it in Paxos). */
  @Override
  public Future<Void> clear(DeviceKey device) {
    return writes.submit(device, () -> CasLoop.run(cql, "clearing prekeys", attempt ->
        head(device, true).compose(found -> found.isEmpty()
            ? CasLoop.done(true)
            : decide(List.of(
                    statements.bindDevice(Statement.DELETE_HEAD, device, found.get().version()),
                    statements.bindDevice(Statement.DELETE_DEVICE, device)),
                true)))).mapEmpty();
  }

  /** Under the stored identity: replaces what is set, adds one-time keys, counts only new ids. */
  private Future<Optional<PreKeyCount>> add(DeviceKey device, Head head, PreKeyUpload keys,
      TreeMap<Long, PreKey> ec, TreeMap<Long, SignedPreKey> kyber) {
    Future<Set<Long>> ecStored = existing(device, EC, ec.keySet());
    Future<Set<Long>> kyberStored = existing(device, KYBER, kyber.keySet());
    return Future.all(ecStored, kyberStored).compose(both -> {
      DeviceKeysRecord.Builder record = head.record().toBuilder();
      if (keys.hasSignedPreKey()) {
        record.setSignedPreKey(keys.getSignedPreKey());
      }
      if (keys.hasLastResortKyberPreKey()) {
        record.setLastResortKyberPreKey(keys.getLastResortKyberPreKey());
      }
      int ecCount = head.ecCount() + ec.size() - ecStored.result().size();
      int kyberCount = head.kyberCount() + kyber.size() - kyberStored.result().size();
      List<BatchableStatement<?>> batch = new ArrayList<>();
      batch.add(updateHead(device, head, record.build(), ecCount, kyberCount,
          ec.isEmpty() ? head.ecFloor() : Math.min(head.ecFloor(), ec.firstKey()),
          kyber.isEmpty() ? head.kyberFloor() : Math.min(head.kyberFloor(), kyber.firstKey())));
      putKeys(device, ec, kyber, batch);
      return decide(batch, counts(ecCount, kyberCount));
    });
  }

  /** A first upload or a new identity: everything stored for the device is replaced. */
  private Future<Optional<PreKeyCount>> replace(DeviceKey device, Optional<Head> head, PreKeyUpload keys,
      TreeMap<Long, PreKey> ec, TreeMap<Long, SignedPreKey> kyber) {
    DeviceKeysRecord record = DeviceKeysRecord.newBuilder()
        .setIdentityKey(keys.getIdentityKey())
        .setSignedPreKey(keys.getSignedPreKey())
        .setLastResortKyberPreKey(keys.getLastResortKyberPreKey())
        .build();
    long ecFloor = ec.isEmpty() ? 0 : ec.firstKey();
    long kyberFloor = kyber.isEmpty() ? 0 : kyber.firstKey();
    List<BatchableStatement<?>> batch = new ArrayList<>();
    if (head.isEmpty()) {
      batch.add(statements.bindDevice(Statement.CREATE_HEAD, device, Protos.blob(record),
          Versioned.next(), ec.size(), kyber.size(), ecFloor, kyberFloor));
    } else {
      batch.add(updateHead(device, head.get(), record, ec.size(), kyber.size(), ecFloor, kyberFloor));
      deleteAllBut(device, EC, new ArrayList<>(ec.keySet()), batch);
      deleteAllBut(device, KYBER, new ArrayList<>(kyber.keySet()), batch);
    }
    putKeys(device, ec, kyber, batch);
    return decide(batch, counts(ec.size(), kyber.size()));
  }

  private Future<Optional<Optional<TakenBundle>>> take(DeviceKey device, Head head) {
    Future<Optional<Row>> ec = head.ecCount() > 0 ? first(device, EC, head.ecFloor()) : none();
    Future<Optional<Row>> kyber = head.kyberCount() > 0 ? first(device, KYBER, head.kyberFloor()) : none();
    return Future.all(ec, kyber).compose(both -> {
      PreKeyBundle.Builder bundle = PreKeyBundle.newBuilder()
          .setDeviceId(device.deviceId())
          .setIdentityKey(head.record().getIdentityKey())
          .setSignedPreKey(head.record().getSignedPreKey())
          .setKyberPreKey(head.record().getLastResortKyberPreKey());
      List<BatchableStatement<?>> deletes = new ArrayList<>();
      int ecCount = head.ecCount();
      long ecFloor = head.ecFloor();
      if (ec.result().isPresent()) {
        long id = ec.result().get().getLong("key_id");
        bundle.setOneTimePreKey(Protos.parse(PreKey.parser(), ec.result().get().getByteBuffer("key")));
        deletes.add(statements.bindDevice(Statement.DELETE_KEY, device, EC, id));
        ecCount--;
        ecFloor = id + 1;
      }
      int kyberCount = head.kyberCount();
      long kyberFloor = head.kyberFloor();
      if (kyber.result().isPresent()) {
        long id = kyber.result().get().getLong("key_id");
        bundle.setKyberPreKey(Protos.parse(SignedPreKey.parser(), kyber.result().get().getByteBuffer("key")));
        deletes.add(statements.bindDevice(Statement.DELETE_KEY, device, KYBER, id));
        kyberCount--;
        kyberFloor = id + 1;
      }
      List<BatchableStatement<?>> batch = new ArrayList<>();
      batch.add(updateHead(device, head, head.record(), ecCount, kyberCount, ecFloor, kyberFloor));
      batch.addAll(deletes);
      return decide(batch, Optional.of(new TakenBundle(bundle.build(), counts(ecCount, kyberCount))));
    });
  }

  /**
   * Range tombstones over every key of {@code kind} except the ids about to be written: below the
   * first, between neighbours, above the last.
   */
  private void deleteAllBut(DeviceKey device, int kind, List<Long> keep, List<BatchableStatement<?>> batch) {
    if (keep.isEmpty()) {
      batch.add(statements.bindDevice(Statement.DELETE_KIND, device, kind));
      return;
    }
    batch.add(statements.bindDevice(Statement.DELETE_BELOW, device, kind, keep.get(0)));
    for (int i = 0; i + 1 < keep.size(); i++) {
      if (keep.get(i + 1) > keep.get(i) + 1) {
        batch.add(statements.bindDevice(Statement.DELETE_BETWEEN, device, kind, keep.get(i),
            keep.get(i + 1)));
      }
    }
    batch.add(statements.bindDevice(Statement.DELETE_ABOVE, device, kind, keep.get(keep.size() - 1)));
  }

  private void putKeys(DeviceKey device, TreeMap<Long, PreKey> ec, TreeMap<Long, SignedPreKey> kyber,
      List<BatchableStatement<?>> batch) {
    ec.forEach((id, key) ->
        batch.add(statements.bindDevice(Statement.PUT_KEY, device, EC, id, Protos.blob(key))));
    kyber.forEach((id, key) ->
        batch.add(statements.bindDevice(Statement.PUT_KEY, device, KYBER, id, Protos.blob(key))));
  }

  private BoundStatement updateHead(DeviceKey device, Head head, DeviceKeysRecord record, int ecCount,
      int kyberCount, long ecFloor, long kyberFloor) {
    return statements.bind(Statement.UPDATE_HEAD, Protos.blob(record), Versioned.next(), ecCount, kyberCount,
        ecFloor, kyberFloor, device.number(), device.deviceId(), head.version());
  }

  /** Runs a conditional batch: {@code answer} when it applied, a lost race when not. */
  private <T> Future<Optional<T>> decide(List<BatchableStatement<?>> batch, T answer) {
    return cql.applied(Cql.batch(batch)).compose(applied -> CasLoop.doneIf(applied, answer));
  }

  private Future<Optional<Head>> head(DeviceKey device, boolean serial) {
    return cql.row(statements.bindDevice(Statement.HEAD, device), serial).map(row -> row.map(r -> new Head(
        Protos.parse(DeviceKeysRecord.parser(), r.getByteBuffer("record")),
        r.getUuid("version"),
        r.getInt("ec_count"),
        r.getInt("kyber_count"),
        r.getLong("ec_floor"),
        r.getLong("kyber_floor"))));
  }

  /** The key with the smallest id from {@code floor} on, read at the serial level. */
  private Future<Optional<Row>> first(DeviceKey device, int kind, long floor) {
    return cql.row(statements.bindDevice(Statement.FIRST, device, kind, floor).setConsistencyLevel(cql.serial()));
  }

  /** Which of {@code ids} are stored, read at the serial level. */
  private Future<Set<Long>> existing(DeviceKey device, int kind, Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    BoundStatement existing = statements.bindDevice(Statement.EXISTING, device, kind, new ArrayList<>(ids));
    return cql.rows(existing.setConsistencyLevel(cql.serial()))
        .map(rows -> {
          Set<Long> stored = new HashSet<>();
          rows.forEach(row -> stored.add(row.getLong("key_id")));
          return stored;
        });
  }

  private static Future<Optional<Row>> none() {
    return Future.succeededFuture(Optional.empty());
  }

  private static PreKeyCount counts(int ec, int kyber) {
    return PreKeyCount.newBuilder().setEcCount(ec).setKyberCount(kyber).build();
  }
}
