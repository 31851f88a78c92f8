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

  public EmbeddedGroupStore(EmbeddedDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> create(Group group) {
    if (group.getId().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("group without id"));
    }
    return db.write(txn -> {
      byte[] key = Keys.text(group.getId());
      if (txn.get(GROUPS, key) != null) {
        return false;
      }
      txn.put(GROUPS, key, group.toByteArray());
      return true;
    });
  }

  @Override
  public Future<Optional<Group>> get(String id) {
    return db.read(reader -> find(reader, Keys.text(id)));
  }

  @Override
  public Future<Group> update(String id, UnaryOperator<Group> change) {
    return db.write(txn -> {
      byte[] key = Keys.text(id);
      Group current = find(txn, key).orElseThrow(() -> SealpostException.notFound("no such group"));
      Group changed = change.apply(current);
      if (changed != current) {
        txn.put(GROUPS, key, changed.toByteArray());
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
        Group group = Keys.parse(Group.parser(), value);
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

  private static Optional<Group> find(KeyValueReader reader, byte[] key) {
    byte[] value = reader.get(GROUPS, key);
    return value == null ? Optional.empty() : Optional.of(Keys.parse(Group.parser(), value));
  }
}
