package org.sealpost.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.sealpost.protocol.Group;

/**
 * Groups by id, each one {@link Group} record (members, admins, settings, metadata, revision).
 * Every write is durable when its future completes.
 *
 * <p>Guarantees: {@link #create} stores a group once; {@link #update} is an atomic
 * read-modify-write, so of several concurrent changes to one group (two admins adding members at
 * once, on any nodes) each sees the result of the ones before it and none is lost.
 */
public interface GroupStore {

  /** Stores a new group; false (and nothing stored) when its id is taken. */
  Future<Boolean> create(Group group);

  Future<Optional<Group>> get(String id);

  /**
   * Applies {@code change} to the current record and stores the result atomically; returns what
   * was stored. {@code change} must be a pure function of its argument: a backend may call it
   * again on a fresher record when a concurrent write won. It may throw (a
   * {@link org.sealpost.errors.SealpostException} to refuse the change): then nothing is stored
   * and the future fails with that. When it returns its argument itself, nothing is written.
   * Fails with NOT_FOUND when there is no such group.
   */
  Future<Group> update(String id, UnaryOperator<Group> change);

  /**
   * Every group whose members include {@code number}: what account deletion leaves and the data
   * export lists. There is no index by member, so this reads every group: it is for rare
   * account-level operations only, never for a per-message path.
   */
  Future<List<Group>> memberOf(String number);
}
