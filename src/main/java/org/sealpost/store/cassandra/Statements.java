package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.EnumMap;
import org.sealpost.api.DeviceKey;

/**
 * The prepared statements of one store or table, one per constant of its enum of statement texts
 * ({@link Cql#prepareAll}), so a store names a statement by its constant and binds it here.
 */
final class Statements<E extends Enum<E>> {
  private final EnumMap<E, PreparedStatement> prepared;

  Statements(EnumMap<E, PreparedStatement> prepared) {
    this.prepared = prepared;
  }

  BoundStatement bind(E statement, Object... values) {
    return prepared.get(statement).bind(values);
  }

  /** Binds a statement whose first two markers are a device's number and device id. */
  BoundStatement bindDevice(E statement, DeviceKey device, Object... more) {
    Object[] values = new Object[2 + more.length];
    values[0] = device.number();
    values[1] = device.deviceId();
    System.arraycopy(more, 0, values, 2, more.length);
    return bind(statement, values);
  }
}
