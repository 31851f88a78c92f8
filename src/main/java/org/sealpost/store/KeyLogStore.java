package org.sealpost.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The entries of the key log (key transparency), durable and append-only: entry i is the bytes
 * the log's Merkle tree hashes as leaf i, so they are kept exactly as written. One ordered log for
 * the whole cluster: every node appends at the size it has read, and the store lets exactly one
 * writer have each index, so a node that loses the race reads what won and tries the next one. An
 * append takes a batch, so a node can group-commit the entries it has gathered in one store write
 * (one Paxos round on Cassandra rather than one per entry).
 * The log's signing key lives here too, so every node of a cluster signs with the same one.
 */
public interface KeyLogStore {

  /**
   * Stores {@code entries} (at least one) from {@code index}, the log's size as the caller read it,
   * unless an entry has that index already. Answers how many were stored: a prefix of the list, at least
   * one, in one atomic write — the store may store fewer than given (Cassandra stops at a partition
   * boundary), and the caller appends the rest at the next index; 0 when another writer was first at
   * {@code index} (nothing stored then).
   */
  Future<Integer> append(long index, List<byte[]> entries);

  /** Up to {@code max} entries from index {@code from} on, in index order; fewer at the log's end. */
  Future<List<byte[]>> read(long from, int max);

  /**
   * The log's signing key (an encoded private key): the stored one, or {@code candidate}, stored
   * now, when none is. Every caller gets the same key, whichever node's candidate was first.
   */
  Future<byte[]> signingKey(byte[] candidate);

  /** Why {@link #append}'s arguments are refused, or null: the check every store makes first. */
  static IllegalArgumentException invalidAppend(long index, List<byte[]> entries) {
    if (index < 0) {
      return new IllegalArgumentException("negative key log index " + index);
    }
    return entries.isEmpty() ? new IllegalArgumentException("an append needs at least one entry") : null;
  }
}
