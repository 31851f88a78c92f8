package org.sealpost.merkle;

import java.security.MessageDigest;
import java.util.List;

/**
 * Checks the proofs a {@link MerkleTree} gives, knowing only roots (RFC 9162, sections 2.1.3.2 and
 * 2.1.4.2): what a client runs to trust a key the server shows it, and to trust that a newer tree
 * head extends the one it saw before. Each answers false for any proof that does not hold, never
 * throws on a malformed one.
 */
public final class MerkleProofs {
  private MerkleProofs() {}

  /** Whether {@code proof} shows the leaf {@code leafHash} at {@code index} in the tree of {@code root}. */
  public static boolean verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= treeSize || !wellFormed(proof) || leafHash.length != MerkleHash.SIZE) {
      return false;
    }
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = MerkleHash.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * Whether {@code proof} shows that the tree of {@code newRoot} ({@code newSize} entries) holds the
   * tree of {@code oldRoot} ({@code oldSize} entries) unchanged as its beginning: the log was only
   * appended to.
   */
  public static boolean verifyConsistency(long oldSize, long newSize, List<byte[]> proof, byte[] oldRoot,
      byte[] newRoot) {
    if (oldSize < 0 || oldSize > newSize || !wellFormed(proof)) {
      return false;
    }
    if (oldSize == newSize) {
      return proof.isEmpty() && MessageDigest.isEqual(oldRoot, newRoot);
    }
    if (oldSize == 0) {
      return proof.isEmpty(); // every tree extends the empty one
    }
    if (proof.isEmpty()) {
      return false;
    }
    int next = 0;
    byte[] first;
    if (Long.bitCount(oldSize) == 1) {
      first = oldRoot; // the old tree is a complete subtree of the new one: its root is the proof's start
    } else {
      first = proof.get(next++);
    }
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = first;
    byte[] sr = first;
    for (; next < proof.size(); next++) {
      byte[] c = proof.get(next);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHash.node(c, fr);
        sr = MerkleHash.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = MerkleHash.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, oldRoot) && MessageDigest.isEqual(sr, newRoot);
  }

  private static boolean wellFormed(List<byte[]> proof) {
    if (proof == null || proof.size() > 64) {
      return false;
    }
    for (byte[] hash : proof) {
      if (hash == null || hash.length != MerkleHash.SIZE) {
        return false;
      }
    }
    return true;
  }
}
