package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.AccountStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * Accounts in the {@code accounts} table, one row per number holding the whole AccountRecord and a
 * version. Every write is a compare-and-set on the version it read ({@link CasLoop}): creating the
 * first record is {@code INSERT ... IF NOT EXISTS}, every later change {@code UPDATE ... IF version
 * = ?}. So of two concurrent device additions one wins and the other reads again, which makes the
 * device limit and never-reused device ids hold across nodes; within a node, writes to one number
 * are lined up ({@link KeyedSequencer}) so they do not have to race.
 */
final class CassandraAccountStore implements AccountStore {
  /** The primary device is 1; linked devices are numbered from here. */
  private static final int FIRST_LINKED_DEVICE_ID = 2;

  private final Cql cql;
  private final KeyedSequencer<String> writes;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final PreparedStatement update;
  private final PreparedStatement delete;
  private final Deletions deletions;

  /** The deletions table's statements. */
  private record Deletions(PreparedStatement put, PreparedStatement get, PreparedStatement remove, PreparedStatement all) {}

  private CassandraAccountStore(Cql cql, PreparedStatement select, PreparedStatement insert,
      PreparedStatement update, PreparedStatement delete, Deletions deletions) {
    this.cql = cql;
    this.writes = new KeyedSequencer<>(cql.vertx());
    this.select = select;
    this.insert = insert;
    this.update = update;
    this.delete = delete;
    this.deletions = deletions;
  }

  static Future<CassandraAccountStore> prepare(Cql cql) {
    Future<PreparedStatement> select =
        cql.prepare("SELECT record, version FROM ${keyspace}.accounts WHERE number = ?");
    Future<PreparedStatement> insert = cql.prepare(
        "INSERT INTO ${keyspace}.accounts (number, record, version) VALUES (?, ?, ?) IF NOT EXISTS");
    Future<PreparedStatement> update = cql.prepare(
        "UPDATE ${keyspace}.accounts SET record = ?, version = ? WHERE number = ? IF version = ?");
    Future<PreparedStatement> delete =
        cql.prepare("DELETE FROM ${keyspace}.accounts WHERE number = ? IF version = ?");
    Future<PreparedStatement> putDeletion =
        cql.prepare("INSERT INTO ${keyspace}.deletions (number, record) VALUES (?, ?)");
    Future<PreparedStatement> getDeletion =
        cql.prepare("SELECT record FROM ${keyspace}.deletions WHERE number = ?");
    Future<PreparedStatement> removeDeletion =
        cql.prepare("DELETE FROM ${keyspace}.deletions WHERE number = ?");
    Future<PreparedStatement> allDeletions = cql.prepare("SELECT record FROM ${keyspace}.deletions");
    return Future.all(List.of(select, insert, update, delete, putDeletion, getDeletion, removeDeletion, allDeletions))
        .map(all -> new CassandraAccountStore(cql, select.result(), insert.result(), update.result(), delete.result(),
            new Deletions(putDeletion.result(), getDeletion.result(), removeDeletion.result(), allDeletions.result())));
  }

  @Override
  public Future<Optional<AccountRecord>> get(String number) {
    return read(number, false).map(found -> found.map(Versioned::value));
  }

  @Override
  public Future<Optional<AccountRecord>> create(AccountRecord account) {
    if (account.getNumber().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("account without number"));
    }
    String number = account.getNumber();
    return writes.submit(number, () -> CasLoop.run(cql, "creating an account", attempt ->
        read(number, attempt > 0).compose(found -> found.isEmpty()
            ? cql.applied(insert.bind(number, Protos.blob(account), Versioned.next()))
                .compose(applied -> applied ? CasLoop.done(Optional.<AccountRecord>empty()) : CasLoop.lost())
            : write(number, account, found.get().version())
                .compose(applied -> applied ? CasLoop.done(Optional.of(found.get().value())) : CasLoop.lost()))));
  }

  @Override
  public Future<DeviceRecord> addDevice(String number, DeviceRecord device, int maxDevices) {
    return writes.submit(number, () -> CasLoop.run(cql, "adding a device", attempt ->
        read(number, attempt > 0).compose(found -> {
          AccountRecord account = found
              .orElseThrow(() -> SealpostException.notFound("no such account"))
              .value();
          if (account.getDevicesCount() >= maxDevices) {
            throw SealpostException.forbidden("device limit reached");
          }
          int id = nextDeviceId(account);
          DeviceRecord added = device.toBuilder().setId(id).build();
          AccountRecord updated = account.toBuilder().addDevices(added).setNextDeviceId(id + 1).build();
          return write(number, updated, found.get().version())
              .compose(applied -> applied ? CasLoop.done(added) : CasLoop.lost());
        })));
  }

  @Override
  public Future<Boolean> removeDevice(String number, int deviceId) {
    return writes.submit(number, () -> CasLoop.run(cql, "removing a device", attempt ->
        read(number, attempt > 0).compose(found -> {
          if (found.isEmpty()) {
            return CasLoop.done(false);
          }
          AccountRecord account = found.get().value();
          for (int i = 0; i < account.getDevicesCount(); i++) {
            if (account.getDevices(i).getId() == deviceId) {
              return write(number, account.toBuilder().removeDevices(i).build(), found.get().version())
                  .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost());
            }
          }
          return CasLoop.done(false);
        })));
  }

  @Override
  public Future<Boolean> beginDeletion(AccountRecord deletion) {
    String number = deletion.getNumber();
    // The deletion record first: a crash after it leaves a deletion that the next sweep finishes.
    return cql.execute(deletions.put().bind(number, Protos.blob(deletion)))
        .compose(recorded -> writes.submit(number, () -> CasLoop.run(cql, "deleting an account", attempt ->
            read(number, attempt > 0).compose(found -> {
              if (found.isEmpty()) {
                return CasLoop.done(true);
              }
              if (found.get().value().getCreated() != deletion.getCreated()) {
                return cql.execute(deletions.remove().bind(number)).compose(v -> CasLoop.done(false));
              }
              return cql.applied(delete.bind(number, found.get().version()))
                  .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost());
            }))));
  }

  @Override
  public Future<List<AccountRecord>> pendingDeletions() {
    List<AccountRecord> pending = new ArrayList<>();
    return cql.scan(deletions.all().bind().setPageSize(500), rows -> {
      rows.forEach(row -> pending.add(Protos.parse(AccountRecord.parser(), row.getByteBuffer("record"))));
      return Future.succeededFuture();
    }).map(pending);
  }

  @Override
  public Future<Optional<AccountRecord>> pendingDeletion(String number) {
    return cql.row(deletions.get().bind(number))
        .map(row -> row.map(r -> Protos.parse(AccountRecord.parser(), r.getByteBuffer("record"))));
  }

  @Override
  public Future<Void> endDeletion(String number) {
    return cql.execute(deletions.remove().bind(number)).mapEmpty();
  }

  /**
   * The id for a new device: the recorded next id, but never one in use or the primary's, so ids
   * stay unique even for a record written without next_device_id.
   */
  private static int nextDeviceId(AccountRecord account) {
    int next = Math.max(account.getNextDeviceId(), FIRST_LINKED_DEVICE_ID);
    for (DeviceRecord existing : account.getDevicesList()) {
      next = Math.max(next, existing.getId() + 1);
    }
    return next;
  }

  private Future<Optional<Versioned<AccountRecord>>> read(String number, boolean serial) {
    BoundStatement statement = select.bind(number);
    if (serial) {
      statement = statement.setConsistencyLevel(cql.serial());
    }
    return cql.row(statement).map(row -> row.map(CassandraAccountStore::versioned));
  }

  private Future<Boolean> write(String number, AccountRecord account, java.util.UUID expected) {
    return cql.applied(update.bind(Protos.blob(account), Versioned.next(), number, expected));
  }

  private static Versioned<AccountRecord> versioned(Row row) {
    return new Versioned<>(Protos.parse(AccountRecord.parser(), row.getByteBuffer("record")),
        row.getUuid("version"));
  }
}
