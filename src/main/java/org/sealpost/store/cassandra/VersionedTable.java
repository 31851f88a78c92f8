package org.sealpost.store.cassandra;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * A table of one protobuf record per key with a version (the {@code accounts} and {@code groups}
 * tables), changed only by compare-and-set on the version: the first record is {@code INSERT ... IF
 * NOT EXISTS}, every later one {@code UPDATE ... IF version = ?} naming the version that was read,
 * so of two writers that read the same version only one applies and the other reads again ({@link
 * #change}). Within a node, writes to one key are lined up ({@link KeyedSequencer}) so they do not
 * have to race; the loop absorbs races with other nodes.
 */
final class VersionedTable<T extends MessageLite> {
  /** The texts, with the table and its key column put in for {@code ${table}} and {@code ${key}}. */
  private enum Statement {
    @Cql.Text("SELECT record, version FROM ${keyspace}.${table} WHERE ${key} = ?")
    SELECT,
    @Cql.Text("INSERT INTO ${keyspace}.${table} (${key}, record, version) VALUES (?, ?, ?) IF NOT EXISTS")
    INSERT,
    @Cql.Text("UPDATE ${keyspace}.${table} SET record = ?, version = ? WHERE ${key} = ? IF version = ?")
    UPDATE
  }

  private final Cql cql;
  private final Parser<T> parser;
  private final Statements<Statement> statements;
  private final KeyedSequencer<String> writes;

  private VersionedTable(Cql cql, Parser<T> parser, Statements<Statement> statements) {
    this.cql = cql;
    this.parser = parser;
    this.statements = statements;
    this.writes = new KeyedSequencer<>(cql.vertx());
  }

  /** The table {@code table}, keyed by the column {@code key}, holding records {@code parser} reads. */
  static <T extends MessageLite> Future<VersionedTable<T>> prepare(Cql cql, String table, String key,
      Parser<T> parser) {
    return cql.prepareAll(Statement.class, text -> text.replace("${table}", table).replace("${key}", key))
        .map(statements -> new VersionedTable<>(cql, parser, statements));
  }

  /** The record under {@code key}, read at the ordinary level. */
  Future<Optional<T>> get(String key) {
    return read(key, false).map(found -> found.map(Versioned::value));
  }

  /**
   * Runs {@code decide} on the record under {@code key} as read, until it answers a value rather
   * than a lost race ({@link CasLoop}); later attempts read at the serial level, so they see the
   * write they lost to. {@code decide} writes with {@link #insert}, {@link #update} or a
   * conditional statement of the caller's on the version it was given.
   *
   * @param what names the change in the failure after too many lost races, e.g. "adding a device"
   */
  <R> Future<R> change(String key, String what, Function<Optional<Versioned<T>>, Future<Optional<R>>> decide) {
    return writes.submit(key, () -> CasLoop.run(cql, what, attempt -> read(key, attempt > 0).compose(decide)));
  }

  /** Writes the first record under {@code key}, lined up with its changes; false when there is one. */
  Future<Boolean> create(String key, T record) {
    return writes.submit(key, () -> insert(key, record));
  }

  private Future<Optional<Versioned<T>>> read(String key, boolean serial) {
    return cql.row(statements.bind(Statement.SELECT, key), serial).map(row -> row.map(r -> new Versioned<>(
        Protos.parse(parser, r.getByteBuffer("record")), r.getUuid("version"))));
  }

  /** Writes the first record under {@code key}; false when there already is one. */
  Future<Boolean> insert(String key, T record) {
    return cql.applied(statements.bind(Statement.INSERT, key, Protos.blob(record), Versioned.next()));
  }

  /** Replaces the record under {@code key} if its version is still {@code expected}; false if not. */
  Future<Boolean> update(String key, T record, UUID expected) {
    return cql.applied(statements.bind(Statement.UPDATE, Protos.blob(record), Versioned.next(), key, expected));
  }
}
