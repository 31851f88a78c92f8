package org.sealpost.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

/** A tree head verifies under the log's key only, and only as signed. */
class TreeHeadTest {
  private static KeyPair logKey() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @Test
  void aHeadVerifiesUnderItsLogsKeyAndNoOther() throws Exception {
    KeyPair log = logKey();
    TreeHead head = new TreeHead(5, MerkleHash.leaf(new byte[] {1}), 1_700_000_000_000L);
    byte[] signature = head.sign(log.getPrivate());

    assertThat(head.verify(signature, log.getPublic())).isTrue();
    assertThat(head.verify(signature, logKey().getPublic())).as("another log's key").isFalse();
    assertThat(new TreeHead(6, head.rootHash(), head.timestamp()).verify(signature, log.getPublic()))
        .as("another size").isFalse();
    assertThat(new TreeHead(5, MerkleHash.leaf(new byte[] {2}), head.timestamp()).verify(signature, log.getPublic()))
        .as("another root").isFalse();
    assertThat(new TreeHead(5, head.rootHash(), head.timestamp() + 1).verify(signature, log.getPublic()))
        .as("another time").isFalse();
    assertThat(head.verify(new byte[3], log.getPublic())).as("garbage").isFalse();
  }
}
