package org.sealpost.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes of RFC 9162 (Certificate Transparency v2, section 2.1.1) with SHA-256: a leaf is
 * {@code SHA-256(0x00 || entry)} and an interior node {@code SHA-256(0x01 || left || right)}, so no
 * leaf can pass for a node (second-preimage resistance); the empty tree's hash is {@code SHA-256("")}.
 */
public final class MerkleHash {
  /** Bytes in every hash. */
  public static final int SIZE = 32;
  private static final byte LEAF = 0x00;
  private static final byte NODE = 0x01;

  private MerkleHash() {}

  public static byte[] leaf(byte[] entry) {
    MessageDigest sha = sha256();
    sha.update(LEAF);
    sha.update(entry);
    return sha.digest();
  }

  public static byte[] node(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update(NODE);
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /** The hash of a tree with no entries. */
  public static byte[] empty() {
    return sha256().digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
