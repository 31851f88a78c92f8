package org.sealpost.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * The entries of the key log (key transparency), durable and append-only: entry i is the bytes
 * the log's Merkle tree hashes as leaf i, so they are kept exactly as written. One ordered log for
 * the whole cluster: every node appends at the size it has read, and the store lets exactly one
 * writer have each index, so a node that loses the race reads what won and tries the next one.
 * The log's signing key lives here too, so every node of a cluster signs with the same one.
 */
public interface KeyLogStore {

  /**
   * Stores {@code entry} at {@code index}, the log's size as the caller read it, unless an entry
   * has that index already. True when this call stored it; false when another writer was first
   * (the stored entry is then the other one, and this call changed nothing).
   */
  Future<Boolean> append(long index, byte[] entry);

  /** Up to {@code max} entries from index {@code from} on, in index order; fewer at the log's end. */
  Future<List<byte[]>> read(long from, int max);

  /**
   * The log's signing key (an encoded private key): the stored one, or {@code candidate}, stored
   * now, when none is. Every caller gets the same key, whichever node's candidate was first.
   */
  Future<byte[]> signingKey(byte[] candidate);
}
