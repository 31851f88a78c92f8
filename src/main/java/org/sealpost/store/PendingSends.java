package org.sealpost.store;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Sends being stored right now, shared by every node: which of several concurrent sends of one
 * message (one dedupe key) stores it, for stores whose database has no cheap compare-and-set
 * (Cassandra, where one costs a Paxos round). It is not the durable record of what was stored:
 * entries last minutes, and the store keeps its own record for the dedupe window.
 */
public interface PendingSends {

  /**
   * What a claim found.
   *
   * @param won true when the key was free and is now the caller's
   * @param storedAt when another send of the key has been stored, its server timestamp; else -1
   */
  record Claim(boolean won, long storedAt) {
    /** Another send of the key is still being stored. */
    public boolean pending() {
      return !won && storedAt < 0;
    }
  }

  /**
   * Claims {@code key} for {@code holder} unless a send holds it or was stored; a claim that is
   * neither released nor marked stored lapses after {@code lapseAfter} (its holder died).
   */
  Future<Claim> claim(String key, String holder, Duration lapseAfter);

  /** Marks the key's send stored at {@code serverTimestamp}; retries find that for {@code keepFor}. */
  Future<Void> stored(String key, long serverTimestamp, Duration keepFor);

  /** Frees the key, if {@code holder} still holds it, so a retry can store the send. */
  Future<Void> release(String key, String holder);

  /**
   * Forgets the key's send stored at {@code serverTimestamp} (its dedupe record expired or was
   * deleted): its stored mark, or its claim, which a store may keep held after the send is stored.
   */
  Future<Void> forget(String key, long serverTimestamp);
}
