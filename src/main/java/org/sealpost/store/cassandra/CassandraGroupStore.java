package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.Group;
import org.sealpost.store.GroupStore;

/**
 * Groups in the {@code groups} table, one row per group holding the whole Group record and a
 * version. A create is {@code INSERT ... IF NOT EXISTS}; every change is a compare-and-set on the
 * version it read ({@link CasLoop}): of two admins changing one group at once on different nodes,
 * one wins and the other applies its change again to the winner's record. Within a node, writes to
 * one group are lined up ({@link KeyedSequencer}) so they do not race each other.
 */
final class CassandraGroupStore implements GroupStore {
  private final Cql cql;
  private final KeyedSequencer<String> writes;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final PreparedStatement update;
  private final PreparedStatement scan;

  private CassandraGroupStore(Cql cql, PreparedStatement select, PreparedStatement insert,
      PreparedStatement update, PreparedStatement scan) {
    this.cql = cql;
    this.writes = new KeyedSequencer<>(cql.vertx());
    this.select = select;
    this.insert = insert;
    this.update = update;
    this.scan = scan;
  }

  static Future<CassandraGroupStore> prepare(Cql cql) {
    Future<PreparedStatement> select = cql.prepare("SELECT record, version FROM ${keyspace}.groups WHERE id = ?");
    Future<PreparedStatement> insert = cql.prepare(
        "INSERT INTO ${keyspace}.groups (id, record, version) VALUES (?, ?, ?) IF NOT EXISTS");
    Future<PreparedStatement> update = cql.prepare(
        "UPDATE ${keyspace}.groups SET record = ?, version = ? WHERE id = ? IF version = ?");
    Future<PreparedStatement> scan = cql.prepare("SELECT record FROM ${keyspace}.groups");
    return Future.all(select, insert, update, scan).map(all ->
        new CassandraGroupStore(cql, select.result(), insert.result(), update.result(), scan.result()));
  }

  @Override
  public Future<Boolean> create(Group group) {
    if (group.getId().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("group without id"));
    }
    return writes.submit(group.getId(),
        () -> cql.applied(insert.bind(group.getId(), Protos.blob(group), Versioned.next())));
  }

  @Override
  public Future<Optional<Group>> get(String id) {
    return read(id, false).map(found -> found.map(Versioned::value));
  }

  @Override
  public Future<Group> update(String id, UnaryOperator<Group> change) {
    return writes.submit(id, () -> CasLoop.run(cql, "changing a group", attempt ->
        read(id, attempt > 0).compose(found -> {
          Versioned<Group> current = found.orElseThrow(() -> SealpostException.notFound("no such group"));
          Group changed = change.apply(current.value());
          if (changed == current.value()) {
            return CasLoop.done(changed);
          }
          return cql.applied(update.bind(Protos.blob(changed), Versioned.next(), id, current.version()))
              .compose(applied -> applied ? CasLoop.done(changed) : CasLoop.<Group>lost());
        })));
  }

  /** Pages through the whole table (no index by member) and keeps the groups listing the number. */
  @Override
  public Future<List<Group>> memberOf(String number) {
    List<Group> found = new ArrayList<>();
    return cql.scan(scan.bind().setPageSize(500), page -> {
      for (Row row : page) {
        Group group = Protos.parse(Group.parser(), row.getByteBuffer("record"));
        if (group.getMembersList().stream().anyMatch(member -> member.getNumber().equals(number))) {
          found.add(group);
        }
      }
      return Future.succeededFuture();
    }).map(v -> found);
  }

  private Future<Optional<Versioned<Group>>> read(String id, boolean serial) {
    BoundStatement statement = select.bind(id);
    if (serial) {
      statement = statement.setConsistencyLevel(cql.serial());
    }
    return cql.row(statement).map(row -> row.map(CassandraGroupStore::versioned));
  }

  private static Versioned<Group> versioned(Row row) {
    UUID version = row.getUuid("version");
    return new Versioned<>(Protos.parse(Group.parser(), row.getByteBuffer("record")), version);
  }
}
