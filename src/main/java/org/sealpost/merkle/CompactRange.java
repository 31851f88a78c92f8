package org.sealpost.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * A monitor's view of a log (RFC 9162 trees): not the entries, only their count and the roots of
 * the complete, aligned subtrees they make up, largest first ({@code Long.bitCount(size)} hashes).
 * That is enough to append further leaves and to compute the root at every size reached, so a
 * client can check that the entries a log hands it give the root the log signed, keeping
 * O(log n) hashes. Not thread-safe.
 */
public final class CompactRange {
  private final List<byte[]> frontier;
  private long size;

  private CompactRange(long size, List<byte[]> frontier) {
    this.size = size;
    this.frontier = frontier;
  }

  /** The range of no entries. */
  public static CompactRange empty() {
    return new CompactRange(0, new ArrayList<>());
  }

  /**
   * The range of {@code size} entries with these subtree roots (largest first), as a log's
   * {@link MerkleTree#frontier} gives them; rejects a frontier of the wrong count or hash size.
   */
  public static CompactRange of(long size, List<byte[]> frontier) {
    if (size < 0 || frontier == null || frontier.size() != Long.bitCount(size)) {
      throw new IllegalArgumentException("a range of " + size + " entries has " + Long.bitCount(Math.max(size, 0))
          + " subtree roots, not " + (frontier == null ? 0 : frontier.size()));
    }
    List<byte[]> copy = new ArrayList<>(frontier.size());
    for (byte[] hash : frontier) {
      if (hash == null || hash.length != MerkleHash.SIZE) {
        throw new IllegalArgumentException("a subtree root has " + MerkleHash.SIZE + " bytes");
      }
      copy.add(hash.clone());
    }
    return new CompactRange(size, copy);
  }

  /** Appends an entry by its leaf hash ({@link MerkleHash#leaf}). */
  public void append(byte[] leafHash) {
    if (leafHash.length != MerkleHash.SIZE) {
      throw new IllegalArgumentException("a leaf hash has " + MerkleHash.SIZE + " bytes");
    }
    byte[] carry = leafHash.clone();
    // Like a binary counter: each trailing set bit is a subtree the new one completes.
    for (long bits = size; (bits & 1) == 1; bits >>>= 1) {
      carry = MerkleHash.node(frontier.remove(frontier.size() - 1), carry);
    }
    frontier.add(carry);
    size++;
  }

  public long size() {
    return size;
  }

  /** The subtree roots, largest first (copies). */
  public List<byte[]> frontier() {
    List<byte[]> copy = new ArrayList<>(frontier.size());
    frontier.forEach(hash -> copy.add(hash.clone()));
    return copy;
  }

  /** The root of the tree of {@link #size()} entries: the roots folded from the right; the empty hash at 0. */
  public byte[] root() {
    if (frontier.isEmpty()) {
      return MerkleHash.empty();
    }
    byte[] root = frontier.get(frontier.size() - 1);
    for (int i = frontier.size() - 2; i >= 0; i--) {
      root = MerkleHash.node(frontier.get(i), root);
    }
    return root.clone();
  }
}
