package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.Group;
import org.sealpost.store.GroupStore;

/**
 * Groups in the {@code groups} table, one row per group holding the whole Group record and a
 * version ({@link VersionedTable}). A create is {@code INSERT ... IF NOT EXISTS}; every change is a
 * compare-and-set on the version it read: of two admins changing one group at once on different
 * nodes, one wins and the other applies its change again to the winner's record.
 */
final class CassandraGroupStore implements GroupStore {
  /** The statements besides the groups table's own ({@link VersionedTable}). */
  private enum Statement {
    @Cql.Text("SELECT record FROM ${keyspace}.groups")
    ALL
  }

  private final Cql cql;
  private final VersionedTable<Group> groups;
  private final Statements<Statement> statements;

  private CassandraGroupStore(Cql cql, VersionedTable<Group> groups, Statements<Statement> statements) {
    this.cql = cql;
    this.groups = groups;
    this.statements = statements;
  }

  static Future<CassandraGroupStore> prepare(Cql cql) {
    Future<VersionedTable<Group>> groups = VersionedTable.prepare(cql, "groups", "id", Group.parser());
    Future<Statements<Statement>> statements = cql.prepareAll(Statement.class);
    return Future.all(groups, statements)
        .map(all -> new CassandraGroupStore(cql, groups.result(), statements.result()));
  }

  @Override
  public Future<Boolean> create(Group group) {
    if (group.getId().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("group without id"));
    }
    return groups.create(group.getId(), group);
  }

  @Override
  public Future<Optional<Group>> get(String id) {
    return groups.get(id);
  }

  @Override
  public Future<Group> update(String id, UnaryOperator<Group> change) {
    return groups.change(id, "changing a group", found -> {
      Versioned<Group> current = found.orElseThrow(() -> SealpostException.notFound("no such group"));
      Group changed = change.apply(current.value());
      if (changed == current.value()) {
        return CasLoop.done(changed);
      }
      return groups.update(id, changed, current.version()).compose(applied -> CasLoop.doneIf(applied, changed));
    });
  }

  /** Pages through the whole table (no index by member) and keeps the groups listing the number. */
  @Override
  public Future<List<Group>> memberOf(String number) {
    List<Group> found = new ArrayList<>();
    return cql.scan(statements.bind(Statement.ALL).setPageSize(500), page -> {
      for (Row row : page) {
        Group group = Protos.parse(Group.parser(), row.getByteBuffer("record"));
        if (group.getMembersList().stream().anyMatch(member -> member.getNumber().equals(number))) {
          found.add(group);
        }
      }
      return Future.succeededFuture();
    }).map(v -> found);
  }
}
