package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleTree;
import org.sealpost.protocol.SignedTreeHead;

/** Heads are kept only when signed by the pinned key and consistent with the latest one. */
class KeyLogHeadsTest {
  @TempDir Path dir;
  private KeyLogFixture device;

  @AfterEach
  void close() {
    if (device != null) {
      device.close();
    }
  }

  private KeyLogFixture device(boolean pinned) {
    device = new KeyLogFixture(dir, pinned);
    return device;
  }

  @Test
  void keepsTheLargerOfConsistentHeadsAndSavesIt() {
    KeyLogFixture d = device(true);
    d.log.appendOthers(5);
    SignedTreeHead five = d.log.head(5);
    assertThat(await(d.on(() -> d.heads.advance(five)))).isEqualTo(five);
    d.log.appendOthers(8);
    SignedTreeHead thirteen = d.log.head(13);
    assertThat(await(d.on(() -> d.heads.advance(thirteen)))).isEqualTo(thirteen);
    // an older head is checked too, and does not move the latest back
    assertThat(await(d.on(() -> d.heads.advance(d.log.head(7))))).isEqualTo(thirteen);
    assertThat(d.saved().getLatestHead()).isEqualTo(thirteen);
    assertThat(d.saved().getAuditedSize()).as("the monitor starts at the first head seen").isEqualTo(5);
    assertThat(new KeyLogStateFile(new StateFiles(dir)).get().getLatestHead()).as("on disk").isEqualTo(thirteen);
  }

  @Test
  void refusesAHeadWithABadSignature() {
    KeyLogFixture d = device(true);
    d.log.appendOthers(3);
    SignedTreeHead otherKey = d.log.sign(3, d.log.tree.root(3), TestKeyLog.newKeyPair());
    assertThat(failure(d.on(() -> d.heads.advance(otherKey)))).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("not signed by the pinned log key");
    SignedTreeHead honest = d.log.head(3);
    byte[] signature = honest.getSignature().toByteArray();
    signature[5] ^= 1;
    SignedTreeHead flipped = honest.toBuilder().setSignature(ByteString.copyFrom(signature)).build();
    assertThat(failure(d.on(() -> d.heads.advance(flipped)))).isInstanceOf(KeyTransparencyException.class);
    assertThat(d.saved().hasLatestHead()).isFalse();
  }

  @Test
  void twoHeadsOfOneSizeWithDifferentRootsAreAFork() {
    KeyLogFixture d = device(true);
    d.log.appendOthers(6);
    await(d.on(() -> d.heads.advance(d.log.head(6))));
    SignedTreeHead fork = d.log.sign(6, forkedRoot(6), d.log.keys);
    assertThat(failure(d.on(() -> d.heads.advance(fork)))).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("the log forked");
    assertThat(d.saved().getLatestHead().getRootHash().toByteArray()).isEqualTo(d.log.tree.root(6));
  }

  @Test
  void aConsistencyProofThatDoesNotVerifyFails() {
    KeyLogFixture d = device(true);
    d.log.appendOthers(10);
    await(d.on(() -> d.heads.advance(d.log.head(4))));
    // a larger head the log signed over another history: its proof cannot join the two
    SignedTreeHead forkedLarger = d.log.sign(10, forkedRoot(10), d.log.keys);
    assertThat(failure(d.on(() -> d.heads.advance(forkedLarger)))).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("head 10 is not consistent with head 4");
    // an honest head, but the proof the server gives is tampered with
    d.log.consistencyAnswer = proof -> proof.toBuilder().setPath(0, ByteString.copyFrom(new byte[32])).build();
    assertThat(failure(d.on(() -> d.heads.advance(d.log.head(10))))).isInstanceOf(KeyTransparencyException.class);
    assertThat(d.saved().getLatestHead().getSize()).isEqualTo(4);
    d.log.consistencyAnswer = proof -> proof;
    assertThat(await(d.on(() -> d.heads.advance(d.log.head(10)))).getSize()).isEqualTo(10);
  }

  @Test
  void aStateWithoutAPinnedKeyPinsTheServersAtFirstUse() {
    KeyLogFixture d = device(false);
    d.log.appendOthers(2);
    await(d.on(() -> d.heads.advance(d.log.head(2))));
    assertThat(d.saved().getLogKey()).isEqualTo(d.log.publicKey());
  }

  @Test
  void aHeadInAMessageThatForksRaisesASplitViewAlert() throws Exception {
    KeyLogFixture d = device(true);
    d.log.appendOthers(9);
    await(d.on(() -> d.heads.advance(d.log.head(9))));
    SplitViewCheck check = new SplitViewCheck(d.heads, () -> d.listener, "test");
    await(d.on(() -> {
      check.check("+15550001111", 1, d.log.head(5)); // consistent: no alert
      check.check("+15550002222", 2, d.log.sign(7, forkedRoot(7), d.log.keys));
      return d.heads.advance(d.log.head(9)); // after both, in order
    }));
    assertThat(d.alerts).singleElement().satisfies(alert -> {
      assertThat(alert.kind()).isEqualTo(KeyLogAlert.Kind.SPLIT_VIEW);
      assertThat(alert.number()).isEqualTo("+15550002222");
      assertThat(alert.message()).contains("+15550002222");
    });
  }

  /** The root of a log of {@code size} entries other than the test log's. */
  private static byte[] forkedRoot(int size) {
    MerkleTree fork = new MerkleTree();
    for (int i = 0; i < size; i++) {
      fork.append(MerkleHash.leaf(new byte[] {9, (byte) i}));
    }
    return fork.root(size);
  }
}
