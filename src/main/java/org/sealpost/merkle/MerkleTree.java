package org.sealpost.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only Merkle tree over entries' leaf hashes (RFC 9162, section 2.1), in memory: the
 * root of the tree at any size it has had, and the inclusion and consistency proofs between those
 * sizes. Each complete, aligned subtree's hash is kept once it exists (level k holds the hashes of
 * the subtrees of 2^k leaves), so a root or proof costs O(log n) hashes and an append O(1)
 * amortized: about 64 bytes per entry in all. Not thread-safe: one owner appends and answers.
 */
public final class MerkleTree {
  /** Level k: the hashes of the complete subtrees of 2^k leaves, left to right, 32 bytes each. */
  private final List<HashArray> levels = new ArrayList<>();
  private long size;

  /** Appends an entry by its leaf hash ({@link MerkleHash#leaf}); its index is the size before. */
  public long append(byte[] leafHash) {
    if (leafHash.length != MerkleHash.SIZE) {
      throw new IllegalArgumentException("a leaf hash has " + MerkleHash.SIZE + " bytes");
    }
    long index = size++;
    byte[] carry = leafHash;
    for (int level = 0; ; level++) {
      if (levels.size() == level) {
        levels.add(new HashArray());
      }
      HashArray hashes = levels.get(level);
      hashes.add(carry);
      // A new right child completes the subtree above it.
      if ((hashes.count() & 1) == 1) {
        return index;
      }
      carry = MerkleHash.node(hashes.get(hashes.count() - 2), carry);
    }
  }

  public long size() {
    return size;
  }

  /** The leaf hash of entry {@code index}. */
  public byte[] leaf(long index) {
    check(index < size, "no entry " + index + " in a tree of " + size);
    return levels.get(0).get(index);
  }

  /** The root of the tree as it was at {@code treeSize} entries. */
  public byte[] root(long treeSize) {
    check(treeSize >= 0 && treeSize <= size, "the tree has not had " + treeSize + " entries");
    return treeSize == 0 ? MerkleHash.empty() : hash(0, treeSize);
  }

  /**
   * The roots of the complete, aligned subtrees that make up the first {@code treeSize} entries,
   * largest first ({@code Long.bitCount(treeSize)} hashes): what a monitor starting at that size
   * needs to go on appending ({@link CompactRange}), and whose fold is the root at that size.
   */
  public List<byte[]> frontier(long treeSize) {
    check(treeSize >= 0 && treeSize <= size, "the tree has not had " + treeSize + " entries");
    List<byte[]> roots = new ArrayList<>(Long.bitCount(treeSize));
    long start = 0;
    for (int bit = 63; bit >= 0; bit--) {
      long width = 1L << bit;
      if ((treeSize & width) != 0) {
        roots.add(hash(start, start + width));
        start += width;
      }
    }
    return roots;
  }

  /** The audit path of entry {@code index} in the tree of {@code treeSize} entries (RFC 9162 PATH). */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    check(treeSize <= size && index >= 0 && index < treeSize, "no entry " + index + " in a tree of " + treeSize);
    List<byte[]> proof = new ArrayList<>();
    path(index, 0, treeSize, proof);
    return proof;
  }

  /** The proof that the tree of {@code newSize} extends the one of {@code oldSize} (RFC 9162 PROOF). */
  public List<byte[]> consistencyProof(long oldSize, long newSize) {
    check(oldSize >= 0 && oldSize <= newSize && newSize <= size,
        "no consistency proof from " + oldSize + " to " + newSize + " in a tree of " + size);
    List<byte[]> proof = new ArrayList<>();
    if (oldSize > 0 && oldSize < newSize) {
      subproof(oldSize, 0, newSize, true, proof);
    }
    return proof;
  }

  private void path(long index, long lo, long hi, List<byte[]> proof) {
    long n = hi - lo;
    if (n == 1) {
      return;
    }
    long k = splitPoint(n);
    if (index < k) {
      path(index, lo, lo + k, proof);
      proof.add(hash(lo + k, hi));
    } else {
      path(index - k, lo + k, hi, proof);
      proof.add(hash(lo, lo + k));
    }
  }

  private void subproof(long m, long lo, long hi, boolean whole, List<byte[]> proof) {
    long n = hi - lo;
    if (m == n) {
      if (!whole) {
        proof.add(hash(lo, hi));
      }
      return;
    }
    long k = splitPoint(n);
    if (m <= k) {
      subproof(m, lo, lo + k, whole, proof);
      proof.add(hash(lo + k, hi));
    } else {
      subproof(m - k, lo + k, hi, false, proof);
      proof.add(hash(lo, lo + k));
    }
  }

  /** MTH of the leaves [lo, hi), a subtree of RFC 9162's recursion (so every left part is aligned). */
  private byte[] hash(long lo, long hi) {
    long n = hi - lo;
    if (Long.bitCount(n) == 1 && lo % n == 0) {
      return levels.get(Long.numberOfTrailingZeros(n)).get(lo / n);
    }
    long k = splitPoint(n);
    return MerkleHash.node(hash(lo, lo + k), hash(lo + k, hi));
  }

  /** The largest power of two smaller than {@code n} (n > 1). */
  static long splitPoint(long n) {
    return Long.highestOneBit(n - 1);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Hashes of one level in chunks of 32,768 (1 MiB), not an object each: past the first chunk,
   * growing never copies what is held, and no single array caps the size. The first chunk starts
   * small and doubles, so the short upper levels and small trees stay small.
   */
  private static final class HashArray {
    private static final int CHUNK_SHIFT = 15;
    private static final int CHUNK_HASHES = 1 << CHUNK_SHIFT;
    private final List<byte[]> chunks = new ArrayList<>();
    private long count;

    void add(byte[] hash) {
      int slot = (int) (count & (CHUNK_HASHES - 1));
      if (chunks.isEmpty() || (slot == 0 && count > 0)) {
        chunks.add(new byte[(chunks.isEmpty() ? 4 : CHUNK_HASHES) * MerkleHash.SIZE]);
      } else if (chunks.size() == 1 && slot * MerkleHash.SIZE == chunks.get(0).length) {
        chunks.set(0, Arrays.copyOf(chunks.get(0), 2 * chunks.get(0).length));
      }
      System.arraycopy(hash, 0, chunks.get(chunks.size() - 1), slot * MerkleHash.SIZE, MerkleHash.SIZE);
      count++;
    }

    byte[] get(long i) {
      int from = (int) (i & (CHUNK_HASHES - 1)) * MerkleHash.SIZE;
      return Arrays.copyOfRange(chunks.get((int) (i >>> CHUNK_SHIFT)), from, from + MerkleHash.SIZE);
    }

    long count() {
      return count;
    }
  }
}
