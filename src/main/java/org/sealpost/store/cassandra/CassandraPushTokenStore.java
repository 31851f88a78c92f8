package org.sealpost.store.cassandra;

import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.PushToken;
import org.sealpost.store.PushTokenStore;

/**
 * Push tokens in the {@code push_tokens} table. Registrations overwrite blindly (the device's last
 * registration wins); a provider's "unregistered" deletes with a condition on the record, so it
 * never removes a token the device registered after the one that failed.
 */
final class CassandraPushTokenStore implements PushTokenStore {
  private enum Statement {
    @Cql.Text("SELECT record FROM ${keyspace}.push_tokens WHERE number = ? AND device_id = ?")
    GET,
    @Cql.Text("INSERT INTO ${keyspace}.push_tokens (number, device_id, record) VALUES (?, ?, ?)")
    PUT,
    @Cql.Text("DELETE FROM ${keyspace}.push_tokens WHERE number = ? AND device_id = ?")
    REMOVE,
    @Cql.Text("DELETE FROM ${keyspace}.push_tokens WHERE number = ? AND device_id = ? IF record = ?")
    REMOVE_IF
  }

  private final Cql cql;
  private final Statements<Statement> statements;

  private CassandraPushTokenStore(Cql cql, Statements<Statement> statements) {
    this.cql = cql;
    this.statements = statements;
  }

  static Future<CassandraPushTokenStore> prepare(Cql cql) {
    return cql.prepareAll(Statement.class)
        .map(statements -> new CassandraPushTokenStore(cql, statements));
  }

  @Override
  public Future<Optional<PushToken>> get(DeviceKey device) {
    return cql.record(statements.bindDevice(Statement.GET, device), "record", PushToken.parser());
  }

  @Override
  public Future<Void> put(DeviceKey device, PushToken token) {
    return cql.execute(statements.bindDevice(Statement.PUT, device, Protos.blob(token)))
        .mapEmpty();
  }

  @Override
  public Future<Void> remove(DeviceKey device) {
    return cql.execute(statements.bindDevice(Statement.REMOVE, device)).mapEmpty();
  }

  @Override
  public Future<Boolean> removeIfCurrent(DeviceKey device, PushToken token) {
    return cql.applied(statements.bindDevice(Statement.REMOVE_IF, device, Protos.blob(token)));
  }
}
