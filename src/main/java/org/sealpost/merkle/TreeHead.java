package org.sealpost.merkle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * A log's statement "I held {@code size} entries with root {@code rootHash} at {@code timestamp}",
 * which the log signs with its own Ed25519 key. Clients pin the log's public key at registration,
 * so a head the log signed binds it: two heads that no consistency proof joins are proof of a
 * forked log.
 *
 * @param timestamp milliseconds since the epoch, when the log produced the head
 */
public record TreeHead(long size, byte[] rootHash, long timestamp) {
  /** What is signed starts with this, so a tree head's signature means nothing else. */
  private static final byte[] CONTEXT = "sealpost key transparency tree head v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final String ALGORITHM = "Ed25519";

  public TreeHead {
    if (size < 0 || rootHash == null || rootHash.length != MerkleHash.SIZE) {
      throw new IllegalArgumentException("a tree head has a size of 0 or more and a 32-byte root");
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The bytes the log signs: the context, then size, timestamp (8 bytes each, big-endian) and root. */
  public byte[] signedBytes() {
    return ByteBuffer.allocate(CONTEXT.length + 16 + MerkleHash.SIZE)
        .put(CONTEXT).putLong(size).putLong(timestamp).put(rootHash).array();
  }

  public byte[] sign(PrivateKey logKey) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(logKey);
      signer.update(signedBytes());
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key (an Ed25519 key is needed)", e);
    }
  }

  /** Whether {@code signature} is the log's, over this head; false for any malformed input. */
  public boolean verify(byte[] signature, PublicKey logKey) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(logKey);
      verifier.update(signedBytes());
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TreeHead head && head.size == size && head.timestamp == timestamp
        && java.util.Arrays.equals(head.rootHash, rootHash);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(rootHash) * 31 + Long.hashCode(size * 31 + timestamp);
  }

  @Override
  public String toString() {
    return "TreeHead[size=" + size + ", root=" + java.util.HexFormat.of().formatHex(rootHash) + ", timestamp=" + timestamp + "]";
  }
}
