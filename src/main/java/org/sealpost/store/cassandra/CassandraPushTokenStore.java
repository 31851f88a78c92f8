package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.Optional;
import org.sealpost.protocol.PushToken;
import org.sealpost.store.DeviceKey;
import org.sealpost.store.PushTokenStore;

/**
 * Push tokens in the {@code push_tokens} table. Registrations overwrite blindly (the device's last
 * registration wins); a provider's "unregistered" deletes with a condition on the record, so it
 * never removes a token the device registered after the one that failed.
 */
final class CassandraPushTokenStore implements PushTokenStore {
  private enum Statement implements Cql.Text {
    GET("SELECT record FROM ${keyspace}.push_tokens WHERE number = ? AND device_id = ?"),
    PUT("INSERT INTO ${keyspace}.push_tokens (number, device_id, record) VALUES (?, ?, ?)"),
    REMOVE("DELETE FROM ${keyspace}.push_tokens WHERE number = ? AND device_id = ?"),
    REMOVE_IF("DELETE FROM ${keyspace}.push_tokens WHERE number = ? AND device_id = ? IF record = ?");

    private final String cql;

    Statement(String cql) {
      this.cql = cql;
    }

    @Override
    public String cql() {
      return cql;
    }
  }

  private final Cql cql;
  private final EnumMap<Statement, PreparedStatement> statements;

  private CassandraPushTokenStore(Cql cql, EnumMap<Statement, PreparedStatement> statements) {
    this.cql = cql;
    this.statements = statements;
  }

  static Future<CassandraPushTokenStore> prepare(Cql cql) {
    return cql.prepareAll(Statement.class).map(prepared -> new CassandraPushTokenStore(cql, prepared));
  }

  @Override
  public Future<Optional<PushToken>> get(DeviceKey device) {
    return cql.row(statements.get(Statement.GET).bind(device.number(), device.deviceId()))
        .map(row -> row.map(r -> Protos.parse(PushToken.parser(), r.getByteBuffer("record"))));
  }

  @Override
  public Future<Void> put(DeviceKey device, PushToken token) {
    return cql.execute(statements.get(Statement.PUT).bind(device.number(), device.deviceId(), Protos.blob(token)))
        .mapEmpty();
  }

  @Override
  public Future<Void> remove(DeviceKey device) {
    return cql.execute(statements.get(Statement.REMOVE).bind(device.number(), device.deviceId())).mapEmpty();
  }

  @Override
  public Future<Boolean> removeIfCurrent(DeviceKey device, PushToken token) {
    return cql.applied(statements.get(Statement.REMOVE_IF).bind(device.number(), device.deviceId(),
        Protos.blob(token)));
  }
}
