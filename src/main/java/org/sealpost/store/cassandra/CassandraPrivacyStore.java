package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.EnumMap;
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
  private enum Statement implements Cql.Text {
    GET_SETTINGS("SELECT settings FROM ${keyspace}.privacy WHERE number = ?"),
    PUT_SETTINGS("INSERT INTO ${keyspace}.privacy (number, settings) VALUES (?, ?)"),
    GET_CONTACTS("SELECT record FROM ${keyspace}.contacts WHERE owner = ?"),
    PUT_CONTACTS("INSERT INTO ${keyspace}.contacts (owner, record) VALUES (?, ?)"),
    BLOCK("INSERT INTO ${keyspace}.blocks (blocker, blocked) VALUES (?, ?)"),
    UNBLOCK("DELETE FROM ${keyspace}.blocks WHERE blocker = ? AND blocked = ?"),
    IS_BLOCKED("SELECT blocked FROM ${keyspace}.blocks WHERE blocker = ? AND blocked = ?"),
    BLOCKED("SELECT blocked FROM ${keyspace}.blocks WHERE blocker = ?"),
    CLEAR_SETTINGS("DELETE FROM ${keyspace}.privacy WHERE number = ?"),
    CLEAR_CONTACTS("DELETE FROM ${keyspace}.contacts WHERE owner = ?"),
    CLEAR_BLOCKS("DELETE FROM ${keyspace}.blocks WHERE blocker = ?");

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

  private CassandraPrivacyStore(Cql cql, EnumMap<Statement, PreparedStatement> statements) {
    this.cql = cql;
    this.statements = statements;
  }

  static Future<CassandraPrivacyStore> prepare(Cql cql) {
    return cql.prepareAll(Statement.class).map(prepared -> new CassandraPrivacyStore(cql, prepared));
  }

  @Override
  public Future<Optional<PrivacySettings>> settings(String number) {
    return cql.row(statements.get(Statement.GET_SETTINGS).bind(number))
        .map(row -> row.map(r -> Protos.parse(PrivacySettings.parser(), r.getByteBuffer("settings"))));
  }

  @Override
  public Future<Void> putSettings(String number, PrivacySettings settings) {
    return cql.execute(statements.get(Statement.PUT_SETTINGS).bind(number, Protos.blob(settings))).mapEmpty();
  }

  @Override
  public Future<List<String>> contacts(String owner) {
    return cql.row(statements.get(Statement.GET_CONTACTS).bind(owner))
        .map(row -> row
            .map(r -> List.copyOf(Protos.parse(ContactsRecord.parser(), r.getByteBuffer("record")).getNumbersList()))
            .orElse(List.of()));
  }

  @Override
  public Future<Void> replaceContacts(String owner, Collection<String> numbers) {
    ContactsRecord record = ContactsRecord.newBuilder().addAllNumbers(new LinkedHashSet<>(numbers)).build();
    return cql.execute(statements.get(Statement.PUT_CONTACTS).bind(owner, Protos.blob(record))).mapEmpty();
  }

  @Override
  public Future<Void> block(String blocker, String blocked) {
    return cql.execute(statements.get(Statement.BLOCK).bind(blocker, blocked)).mapEmpty();
  }

  @Override
  public Future<Void> unblock(String blocker, String blocked) {
    return cql.execute(statements.get(Statement.UNBLOCK).bind(blocker, blocked)).mapEmpty();
  }

  @Override
  public Future<Boolean> isBlocked(String blocker, String blocked) {
    return cql.row(statements.get(Statement.IS_BLOCKED).bind(blocker, blocked)).map(Optional::isPresent);
  }

  @Override
  public Future<List<String>> blocked(String blocker) {
    return cql.rows(statements.get(Statement.BLOCKED).bind(blocker))
        .map(rows -> rows.stream().map(r -> r.getString("blocked")).toList());
  }

  /**
   * Three deletes in parallel; the blocks table is partitioned by blocker, so the number's own
   * blocks are one partition delete and other blockers' rows against it are untouched.
   */
  @Override
  public Future<Void> clear(String number) {
    return Future.all(
            cql.execute(statements.get(Statement.CLEAR_SETTINGS).bind(number)),
            cql.execute(statements.get(Statement.CLEAR_CONTACTS).bind(number)),
            cql.execute(statements.get(Statement.CLEAR_BLOCKS).bind(number)))
        .mapEmpty();
  }
}
