package org.sealpost.store.cassandra;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.proto.ContactsRecord;

/**
 * Privacy settings, contact lists and block entries in the {@code privacy}, {@code contacts} and
 * {@code blocks} tables. Every write overwrites one row blindly (no LWT needed: nothing is
 * read-modify-written), so the driver's client timestamps order them.
 */
final class CassandraPrivacyStore implements PrivacyStore {
  private enum Statement {
    @Cql.Text("SELECT settings FROM ${keyspace}.privacy WHERE number = ?")
    GET_SETTINGS,
    @Cql.Text("INSERT INTO ${keyspace}.privacy (number, settings) VALUES (?, ?)")
    PUT_SETTINGS,
    @Cql.Text("SELECT record FROM ${keyspace}.contacts WHERE owner = ?")
    GET_CONTACTS,
    @Cql.Text("INSERT INTO ${keyspace}.contacts (owner, record) VALUES (?, ?)")
    PUT_CONTACTS,
    @Cql.Text("INSERT INTO ${keyspace}.blocks (blocker, blocked) VALUES (?, ?)")
    BLOCK,
    @Cql.Text("DELETE FROM ${keyspace}.blocks WHERE blocker = ? AND blocked = ?")
    UNBLOCK,
    @Cql.Text("SELECT blocked FROM ${keyspace}.blocks WHERE blocker = ? AND blocked = ?")
    IS_BLOCKED,
    @Cql.Text("SELECT blocked FROM ${keyspace}.blocks WHERE blocker = ?")
    BLOCKED,
    @Cql.Text("DELETE FROM ${keyspace}.privacy WHERE number = ?")
    CLEAR_SETTINGS,
    @Cql.Text("DELETE FROM ${keyspace}.contacts WHERE owner = ?")
    CLEAR_CONTACTS,
    @Cql.Text("DELETE FROM ${keyspace}.blocks WHERE blocker = ?")
    CLEAR_BLOCKS
  }

  private final Cql cql;
  private final Statements<Statement> statements;

  private CassandraPrivacyStore(Cql cql, Statements<Statement> statements) {
    this.cql = cql;
    this.statements = statements;
  }

  static Future<CassandraPrivacyStore> prepare(Cql cql) {
    return cql.prepareAll(Statement.class)
        .map(statements -> new CassandraPrivacyStore(cql, statements));
  }

  @Override
  public Future<Optional<PrivacySettings>> settings(String number) {
    return cql.record(statements.bind(Statement.GET_SETTINGS, number), "settings", PrivacySettings.parser());
  }

  @Override
  public Future<Void> putSettings(String number, PrivacySettings settings) {
    return cql.execute(statements.bind(Statement.PUT_SETTINGS, number, Protos.blob(settings))).mapEmpty();
  }

  @Override
  public Future<List<String>> contacts(String owner) {
    return cql.record(statements.bind(Statement.GET_CONTACTS, owner), "record", ContactsRecord.parser())
        .map(found -> found.map(record -> List.copyOf(record.getNumbersList())).orElse(List.of()));
  }

  @Override
  public Future<Void> replaceContacts(String owner, Collection<String> numbers) {
    ContactsRecord record = ContactsRecord.newBuilder().addAllNumbers(new LinkedHashSet<>(numbers)).build();
    return cql.execute(statements.bind(Statement.PUT_CONTACTS, owner, Protos.blob(record))).mapEmpty();
  }

  @Override
  public Future<Void> block(String blocker, String blocked) {
    return cql.execute(statements.bind(Statement.BLOCK, blocker, blocked)).mapEmpty();
  }

  @Override
  public Future<Void> unblock(String blocker, String blocked) {
    return cql.execute(statements.bind(Statement.UNBLOCK, blocker, blocked)).mapEmpty();
  }

  @Override
  public Future<Boolean> isBlocked(String blocker, String blocked) {
    return cql.row(statements.bind(Statement.IS_BLOCKED, blocker, blocked)).map(Optional::isPresent);
  }

  @Override
  public Future<List<String>> blocked(String blocker) {
    return cql.rows(statements.bind(Statement.BLOCKED, blocker))
        .map(rows -> rows.stream().map(r -> r.getString("blocked")).toList());
  }

  /**
   * Three deletes in parallel; the blocks table is partitioned by blocker, so the number's own
   * blocks are one partition delete and other blockers' rows against it are untouched.
   */
  @Override
  public Future<Void> clear(String number) {
    return Future.all(
            cql.execute(statements.bind(Statement.CLEAR_SETTINGS, number)),
            cql.execute(statements.bind(Statement.CLEAR_CONTACTS, number)),
            cql.execute(statements.bind(Statement.CLEAR_BLOCKS, number)))
        .mapEmpty();
  }
}
