package org.sealpost.store.embedded;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;

/**
 * The protobuf records of one column family, one per key: the read-and-parse and encode-and-write
 * every embedded store does, in one place. The methods taking a reader or a {@link Txn} work inside
 * a larger read or write operation; the others are a read or a write of their own. Keys and
 * records are encoded inside the operation, so one that cannot be encoded fails its future rather
 * than throwing.
 *
 * @param <K> what a record is looked up by, e.g. a number
 */
final class Records<K, T extends MessageLite> {
  private final EmbeddedDatabase db;
  private final ColumnFamily cf;
  private final Function<K, byte[]> key;
  private final Parser<T> parser;

  /** The records of {@code cf}, stored under {@code key} of what they are looked up by. */
  Records(EmbeddedDatabase db, ColumnFamily cf, Function<K, byte[]> key, Parser<T> parser) {
    this.db = db;
    this.cf = cf;
    this.key = key;
    this.parser = parser;
  }

  /** The record under {@code id}, read on its own. */
  Future<Optional<T>> get(K id) {
    return db.read(reader -> find(reader, id));
  }

  /** The record under {@code id} as {@code reader} sees it. */
  Optional<T> find(KeyValueReader reader, K id) {
    byte[] value = reader.get(cf, key.apply(id));
    return value == null ? Optional.empty() : Optional.of(parse(value));
  }

  /** Whether {@code reader} sees a record under {@code id}, without parsing it. */
  boolean contains(KeyValueReader reader, K id) {
    return reader.get(cf, key.apply(id)) != null;
  }

  /** A stored value of this column family, as a scan hands it out. */
  T parse(byte[] value) {
    return Keys.parse(parser, value);
  }

  /** Writes {@code record} under {@code id} (replacing any), in a write of its own. */
  Future<Void> put(K id, T record) {
    return db.write(txn -> {
      put(txn, id, record);
      return null;
    });
  }

  void put(Txn txn, K id, T record) {
    txn.put(cf, key.apply(id), record.toByteArray());
  }

  /** Deletes the record under {@code id}, if any, in a write of its own. */
  Future<Void> delete(K id) {
    return db.write(txn -> {
      delete(txn, id);
      return null;
    });
  }

  void delete(Txn txn, K id) {
    txn.delete(cf, key.apply(id));
  }
}
