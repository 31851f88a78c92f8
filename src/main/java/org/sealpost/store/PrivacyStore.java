package org.sealpost.store;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.sealpost.protocol.PrivacySettings;

/**
 * Who may see and reach an account: its privacy settings, its uploaded contacts ("my contacts")
 * and its block list. Durable account data: it survives restarts.
 *
 * <p>Every write is a blind overwrite of its key (settings, the whole contact list, one block
 * entry): the last write wins and there is no read-modify-write to make atomic.
 */
public interface PrivacyStore {

  /** The account's settings; empty when it never set any (the defaults apply). */
  Future<Optional<PrivacySettings>> settings(String number);

  Future<Void> putSettings(String number, PrivacySettings settings);

  /** The numbers the account uploaded last, in upload order without duplicates; empty if none. */
  Future<List<String>> contacts(String owner);

  /** Replaces the account's contact list with {@code numbers}. */
  Future<Void> replaceContacts(String owner, Collection<String> numbers);

  /** {@code blocker} blocks {@code blocked} (idempotent). */
  Future<Void> block(String blocker, String blocked);

  /** Removes the block, if any (idempotent). */
  Future<Void> unblock(String blocker, String blocked);

  Future<Boolean> isBlocked(String blocker, String blocked);

  /** Every number {@code blocker} blocks, in number order. */
  Future<List<String>> blocked(String blocker);

  /**
   * Forgets what the account with this number set up, for when the number is re-registered: its
   * settings, its contact list and every block it holds (entries with the number as blocker), so
   * the new owner starts with the defaults. Blocks other accounts hold against the number stay:
   * they blocked the number, and it is theirs to lift. Succeeds when there is nothing to clear.
   */
  Future<Void> clear(String number);
}
