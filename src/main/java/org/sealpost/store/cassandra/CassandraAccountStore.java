package org.sealpost.store.cassandra;

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
 * version ({@link VersionedTable}). Every write is a compare-and-set on the version it read: creating
 * the first record is {@code INSERT ... IF NOT EXISTS}, every later change {@code UPDATE ... IF
 * version = ?}, a deletion {@code DELETE ... IF version = ?}. So of two concurrent device additions
 * one wins and the other reads again, which makes the device limit and never-reused device ids hold
 * across nodes. A deletion is first recorded in the {@code deletions} table, which the sweep reads.
 */
final class CassandraAccountStore implements AccountStore {
  /** The primary device is 1; linked devices are numbered from here. */
  private static final int FIRST_LINKED_DEVICE_ID = 2;

  /** The statements besides the accounts table's own ({@link VersionedTable}). */
  private enum Statement {
    @Cql.Text("DELETE FROM ${keyspace}.accounts WHERE number = ? IF version = ?")
    DELETE,
    @Cql.Text("INSERT INTO ${keyspace}.deletions (number, record) VALUES (?, ?)")
    PUT_DELETION,
    @Cql.Text("SELECT record FROM ${keyspace}.deletions WHERE number = ?")
    GET_DELETION,
    @Cql.Text("DELETE FROM ${keyspace}.deletions WHERE number = ?")
    REMOVE_DELETION,
    @Cql.Text("SELECT record FROM ${keyspace}.deletions")
    ALL_DELETIONS
  }

  private final Cql cql;
  private final VersionedTable<AccountRecord> accounts;
  private final Statements<Statement> statements;

  private CassandraAccountStore(Cql cql, VersionedTable<AccountRecord> accounts, Statements<Statement> statements) {
    this.cql = cql;
    this.accounts = accounts;
    this.statements = statements;
  }

  static Future<CassandraAccountStore> prepare(Cql cql) {
    Future<VersionedTable<AccountRecord>> accounts =
        VersionedTable.prepare(cql, "accounts", "number", AccountRecord.parser());
    Future<Statements<Statement>> statements = cql.prepareAll(Statement.class);
    return Future.all(accounts, statements)
        .map(all -> new CassandraAccountStore(cql, accounts.result(), statements.result()));
  }

  @Override
  public Future<Optional<AccountRecord>> get(String number) {
    return accounts.get(number);
  }

  @Override
  public Future<Optional<AccountRecord>> create(AccountRecord account) {
    if (account.getNumber().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("account without number"));
    }
    String number = account.getNumber();
    return accounts.change(number, "creating an account", found -> found.isEmpty()
        ? accounts.insert(number, account)
            .compose(applied -> CasLoop.doneIf(applied, Optional.<AccountRecord>empty()))
        : accounts.update(number, account, found.get().version())
            .compose(applied -> CasLoop.doneIf(applied, Optional.of(found.get().value()))));
  }

  @Override
  public Future<DeviceRecord> addDevice(String number, DeviceRecord device, int maxDevices) {
    return accounts.change(number, "adding a device", found -> {
      AccountRecord account = found
          .orElseThrow(() -> SealpostException.notFound("no such account"))
          .value();
      if (account.getDevicesCount() >= maxDevices) {
        throw SealpostException.forbidden("device limit reached");
      }
      int id = nextDeviceId(account);
      DeviceRecord added = device.toBuilder().setId(id).build();
      AccountRecord updated = account.toBuilder().addDevices(added).setNextDeviceId(id + 1).build();
      return accounts.update(number, updated, found.get().version())
          .compose(applied -> CasLoop.doneIf(applied, added));
    });
  }

  @Override
  public Future<Boolean> removeDevice(String number, int deviceId) {
    return accounts.change(number, "removing a device", found -> {
      if (found.isEmpty()) {
        return CasLoop.done(false);
      }
      AccountRecord account = found.get().value();
      for (int i = 0; i < account.getDevicesCount(); i++) {
        if (account.getDevices(i).getId() == deviceId) {
          return accounts.update(number, account.toBuilder().removeDevices(i).build(), found.get().version())
              .compose(applied -> CasLoop.doneIf(applied, true));
        }
      }
      return CasLoop.done(false);
    });
  }

  @Override
  public Future<Boolean> beginDeletion(AccountRecord deletion) {
    String number = deletion.getNumber();
    // The deletion record first: a crash after it leaves a deletion that the next sweep finishes.
    return cql.execute(statements.bind(Statement.PUT_DELETION, number, Protos.blob(deletion)))
        .compose(recorded -> accounts.change(number, "deleting an account", found -> {
          if (found.isEmpty()) {
            return CasLoop.done(true);
          }
          if (found.get().value().getCreated() != deletion.getCreated()) {
            return cql.execute(statements.bind(Statement.REMOVE_DELETION, number)).compose(v -> CasLoop.done(false));
          }
          return cql.applied(statements.bind(Statement.DELETE, number, found.get().version()))
              .compose(applied -> CasLoop.doneIf(applied, true));
        }));
  }

  @Override
  public Future<List<AccountRecord>> pendingDeletions() {
    List<AccountRecord> pending = new ArrayList<>();
    return cql.scan(statements.bind(Statement.ALL_DELETIONS).setPageSize(500), rows -> {
      rows.forEach(row -> pending.add(Protos.parse(AccountRecord.parser(), row.getByteBuffer("record"))));
      return Future.succeededFuture();
    }).map(pending);
  }

  @Override
  public Future<Optional<AccountRecord>> pendingDeletion(String number) {
    return cql.record(statements.bind(Statement.GET_DELETION, number), "record", AccountRecord.parser());
  }

  @Override
  public Future<Void> endDeletion(String number) {
    return cql.execute(statements.bind(Statement.REMOVE_DELETION, number)).mapEmpty();
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
}
