package org.sealpost.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.merkle.MerkleTreeTest.leafOf;
import static org.sealpost.merkle.MerkleTreeTest.tree;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A compact range gives the same roots as the whole tree, from any starting frontier. */
class CompactRangeTest {
  private static final int MAX = 70;


  @Test
  void frontierHasOneRootPerSetBitAndFoldsToTheRoot() {
    MerkleTree tree = tree(MAX);
    for (int size = 0; size <= MAX; size++) {
      List<byte[]> frontier = tree.frontier(size);
      assertThat(frontier).hasSize(Long.bitCount(size));
      assertThat(CompactRange.of(size, frontier).root()).as("root at %d", size).isEqualTo(tree.root(size));
    }
  }

  @Test
  void appendingFromAnyFrontierGivesTheTreesRoots() {
    MerkleTree tree = tree(MAX);
    for (int start = 0; start <= MAX; start++) {
      CompactRange range = CompactRange.of(start, tree.frontier(start));
      for (int size = start + 1; size <= MAX; size++) {
        range.append(leafOf(size - 1));
        assertThat(range.size()).isEqualTo(size);
        assertThat(range.root()).as("from %d at %d", start, size).isEqualTo(tree.root(size));
        assertThat(range.frontier()).usingElementComparator(java.util.Arrays::compare)
            .containsExactlyElementsOf(tree.frontier(size));
      }
    }
  }

  @Test
  void emptyRangeHasTheEmptyRoot() {
    assertThat(CompactRange.empty().root()).isEqualTo(MerkleHash.empty());
    assertThat(CompactRange.of(0, List.of()).root()).isEqualTo(MerkleHash.empty());
  }

  @Test
  void aDroppedLeafChangesTheRoot() {
    MerkleTree tree = tree(10);
    CompactRange range = CompactRange.of(4, tree.frontier(4));
    for (int i = 4; i < 10; i++) {
      if (i != 6) {
        range.append(leafOf(i));
      }
    }
    range.append(leafOf(99));
    assertThat(range.root()).isNotEqualTo(tree.root(10));
  }

  @Test
  void rejectsAFrontierOfTheWrongCount() {
    MerkleTree tree = tree(8);
    List<byte[]> frontier = new ArrayList<>(tree.frontier(7));
    assertThatThrownBy(() -> CompactRange.of(8, frontier)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.of(6, tree.frontier(7))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompactRange.of(1, List.of(new byte[5]))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.frontier(9)).isInstanceOf(IllegalArgumentException.class);
  }
}
