package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.GROUPS;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.Group;
import org.sealpost.store.GroupStore;

/**
 * Groups in the {@link ColumnFamily#GROUPS} column family, one Group record per id. Updates are
 * read-modify-writes on the database's single writer, which makes them serializable: the change
 * runs exactly once, against the latest record.
 */
public final class EmbeddedGroupStore implements GroupStore {
  private final EmbeddedDatabase db;
  private final Records<String, Group> groups;

  public EmbeddedGroupStore(EmbeddedDatabase db) {
    this.db = db;
    this.groups = new Records<>(db, GROUPS, Keys::text, Group.parser());
  }

  @Override
  public Future<Boolean> create(Group group) {
    if (group.getId().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("group without id"));
    }
    return db.write(txn -> {
      if (groups.contains(txn, group.getId())) {
        return false;
      }
      groups.put(txn, group.getId(), group);
      return true;
    });
  }

  @Override
  public Future<Optional<Group>> get(String id) {
    return groups.get(id);
  }

  @Override
  public Future<Group> update(String id, UnaryOperator<Group> change) {
    return db.write(txn -> {
      Group current = groups.find(txn, id).orElseThrow(() -> SealpostException.notFound("no such group"));
      Group changed = change.apply(current);
      if (changed != current) {
        groups.put(txn, id, changed);
      }
      return changed;
    });
  }

  /** Scans the whole column family on a reader (a snapshot), keeping the groups listing the number. */
  @Override
  public Future<List<Group>> memberOf(String number) {
    return db.read(reader -> {
      List<Group> found = new ArrayList<>();
      reader.scan(GROUPS, Keys.EMPTY, Keys.EMPTY, (key, value) -> {
        Group group = groups.parse(value);
        if (hasMember(group, number)) {
          found.add(group);
        }
        return true;
      });
      return found;
    });
  }

  private static boolean hasMember(Group group, String number) {
    return group.getMembersList().stream().anyMatch(member -> member.getNumber().equals(number));
  }
}
