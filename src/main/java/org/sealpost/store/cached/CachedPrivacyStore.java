package org.sealpost.store.cached;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.store.PrivacyStore;

/**
 * Privacy settings and block lists read from this node's copies ({@link NodeCache}), so a message
 * or a receipt costs no store read for "did the recipient block the sender" or "are read receipts
 * on"; writes go to the store and drop the account's copies on every node once done. Contact lists
 * are read from the store (they are not on the message path).
 */
final class CachedPrivacyStore implements PrivacyStore {
  static final String SETTINGS = "privacy-settings";
  static final String BLOCKS = "blocks";

  private final PrivacyStore store;
  private final NodeCache<Optional<PrivacySettings>> settings;
  private final NodeCache<Set<String>> blocks;
  private final Invalidations invalidations;

  CachedPrivacyStore(PrivacyStore store, NodeCache<Optional<PrivacySettings>> settings, NodeCache<Set<String>> blocks,
      Invalidations invalidations) {
    this.store = store;
    this.settings = settings;
    this.blocks = blocks;
    this.invalidations = invalidations;
    invalidations.register(SETTINGS, settings);
    invalidations.register(BLOCKS, blocks);
  }

  @Override
  public Future<Optional<PrivacySettings>> settings(String number) {
    return settings.get(number, store::settings);
  }

  @Override
  public Future<Void> putSettings(String number, PrivacySettings value) {
    return store.putSettings(number, value).andThen(ar -> invalidations.drop(SETTINGS, number));
  }

  @Override
  public Future<List<String>> contacts(String owner) {
    return store.contacts(owner);
  }

  @Override
  public Future<Void> replaceContacts(String owner, Collection<String> numbers) {
    return store.replaceContacts(owner, numbers);
  }

  @Override
  public Future<Void> block(String blocker, String blocked) {
    return store.block(blocker, blocked).andThen(ar -> invalidations.drop(BLOCKS, blocker));
  }

  @Override
  public Future<Void> unblock(String blocker, String blocked) {
    return store.unblock(blocker, blocked).andThen(ar -> invalidations.drop(BLOCKS, blocker));
  }

  @Override
  public Future<Boolean> isBlocked(String blocker, String blocked) {
    return blocks.get(blocker, number -> store.blocked(number).map(Set::copyOf)).map(set -> set.contains(blocked));
  }

  @Override
  public Future<List<String>> blocked(String blocker) {
    return store.blocked(blocker);
  }

  @Override
  public Future<Void> clear(String number) {
    return store.clear(number).andThen(ar -> {
      invalidations.drop(SETTINGS, number);
      invalidations.drop(BLOCKS, number);
    });
  }

  @Override
  public String toString() {
    return "cached " + store;
  }
}
