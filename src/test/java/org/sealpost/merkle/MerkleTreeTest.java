package org.sealpost.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree agrees with RFC 9162's definitions: the reference roots and audit paths other
 * Certificate Transparency implementations publish, a plain recursive MTH for every size, and
 * proofs that verify exactly when they should.
 */
class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();
  /** The entries of the RFC 6962 reference tree (certificate-transparency's test data). */
  private static final String[] ENTRIES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
      "606162636465666768696a6b6c6d6e6f"};
  /** Its roots at sizes 0 to 8. */
  private static final String[] ROOTS = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

  /** A tree of {@code size} made-up entries ({@link #leafOf}). */
  static MerkleTree tree(int size) {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < size; i++) {
      tree.append(leafOf(i));
    }
    return tree;
  }

  static byte[] leafOf(int i) {
    return MerkleHash.leaf(new byte[] {(byte) i, (byte) (i >> 8), 7});
  }

  /** MTH exactly as RFC 9162 defines it, for comparison. */
  private static byte[] mth(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return MerkleHash.empty();
    }
    if (leaves.size() == 1) {
      return leaves.get(0);
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    return MerkleHash.node(mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
  }

  @Test
  void rootsMatchTheReferenceTree() {
    MerkleTree tree = new MerkleTree();
    for (String entry : ENTRIES) {
      tree.append(MerkleHash.leaf(HEX.parseHex(entry)));
    }
    for (int size = 0; size <= ENTRIES.length; size++) {
      assertThat(HEX.formatHex(tree.root(size))).as("root at size %d", size).isEqualTo(ROOTS[size]);
    }
  }

  @Test
  void auditPathsMatchTheReferenceTree() {
    MerkleTree tree = new MerkleTree();
    for (String entry : ENTRIES) {
      tree.append(MerkleHash.leaf(HEX.parseHex(entry)));
    }
    assertThat(tree.inclusionProof(0, 8)).extracting(HEX::formatHex).containsExactly(
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    assertThat(tree.inclusionProof(5, 8)).extracting(HEX::formatHex).containsExactly(
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  }

  @Test
  void everyRootIsTheDefinedOneAndEveryEntrysProofVerifies() {
    MerkleTree tree = tree(70);
    List<byte[]> leaves = new ArrayList<>();
    for (int size = 1; size <= 70; size++) {
      leaves.add(leafOf(size - 1));
      byte[] root = tree.root(size);
      assertThat(root).as("root at %d", size).isEqualTo(mth(leaves));
      for (int index = 0; index < size; index++) {
        List<byte[]> proof = tree.inclusionProof(index, size);
        assertThat(MerkleProofs.verifyInclusion(leafOf(index), index, size, proof, root))
            .as("entry %d of %d", index, size).isTrue();
        assertThat(MerkleProofs.verifyInclusion(leafOf(index + 1), index, size, proof, root))
            .as("another entry in its place").isFalse();
        if (size > 1) {
          assertThat(MerkleProofs.verifyInclusion(leafOf(index), (index + 1) % size, size, proof, root))
              .as("the entry claimed at another index").isFalse();
        }
      }
    }
  }

  @Test
  void everyOlderTreeIsProvedConsistentWithEveryNewerOne() {
    MerkleTree tree = tree(40);
    for (int newSize = 0; newSize <= 40; newSize++) {
      for (int oldSize = 0; oldSize <= newSize; oldSize++) {
        List<byte[]> proof = tree.consistencyProof(oldSize, newSize);
        assertThat(MerkleProofs.verifyConsistency(oldSize, newSize, proof, tree.root(oldSize), tree.root(newSize)))
            .as("%d -> %d", oldSize, newSize).isTrue();
      }
    }
  }

  @Test
  void aForkedLogFailsTheConsistencyProof() {
    MerkleTree honest = tree(20);
    // The same first 12 entries, then entry 12 replaced: a log that rewrote its history.
    MerkleTree forked = tree(12);
    forked.append(MerkleHash.leaf(new byte[] {99}));
    for (int i = 13; i < 20; i++) {
      forked.append(leafOf(i));
    }
    for (int oldSize = 13; oldSize < 20; oldSize++) {
      assertThat(MerkleProofs.verifyConsistency(oldSize, 20, forked.consistencyProof(oldSize, 20),
          honest.root(oldSize), forked.root(20))).as("from %d", oldSize).isFalse();
    }
    assertThat(MerkleProofs.verifyConsistency(12, 20, forked.consistencyProof(12, 20), honest.root(12),
        forked.root(20))).as("before the fork the histories agree").isTrue();
  }

  @Test
  void malformedProofsAreRefusedNotThrown() {
    MerkleTree tree = tree(9);
    byte[] root = tree.root(9);
    List<byte[]> proof = new ArrayList<>(tree.inclusionProof(3, 9));
    proof.add(new byte[32]);
    assertThat(MerkleProofs.verifyInclusion(leafOf(3), 3, 9, proof, root)).as("one hash too many").isFalse();
    assertThat(MerkleProofs.verifyInclusion(leafOf(3), 3, 9, proof.subList(0, 2), root)).as("one too few").isFalse();
    assertThat(MerkleProofs.verifyInclusion(leafOf(3), 3, 9, List.of(new byte[3]), root)).as("short hash").isFalse();
    assertThat(MerkleProofs.verifyInclusion(leafOf(3), 9, 9, List.of(), root)).as("index past the end").isFalse();
    assertThat(MerkleProofs.verifyConsistency(5, 9, List.of(), tree.root(5), root)).as("no proof").isFalse();
    assertThat(MerkleProofs.verifyConsistency(9, 5, tree.consistencyProof(5, 9), root, tree.root(5))).as("shrunk").isFalse();
  }

  @Test
  void sizesTheTreeNeverHadAreRefused() {
    MerkleTree tree = tree(3);
    assertThatThrownBy(() -> tree.root(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.inclusionProof(3, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.consistencyProof(2, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.append(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }
}
