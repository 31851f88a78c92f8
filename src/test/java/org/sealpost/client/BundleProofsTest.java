package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyBundles;

/** A fetched bundle is used only when its key is the one the log shows for that device. */
class BundleProofsTest {
  private static final String BOB = "+15550001234";
  @TempDir Path dir;
  private KeyLogFixture device;
  private BundleProofs proofs;
  private final ByteString key1 = TestKeyLog.key("bob 1");
  private final ByteString key2 = TestKeyLog.key("bob 2");
  private long index1;
  private long index2;

  @BeforeEach
  void log() {
    device = new KeyLogFixture(dir, true);
    proofs = new BundleProofs(device.heads, device.crypto);
    device.log.appendOthers(3);
    index1 = device.log.append(BOB, 1, key1);
    device.log.appendOthers(4);
    index2 = device.log.append(BOB, 2, key2);
    device.log.appendOthers(2);
  }

  @AfterEach
  void close() {
    device.close();
  }

  private PreKeyBundles honest() {
    long size = device.log.tree.size();
    return PreKeyBundles.newBuilder().setNumber(BOB).setKeyLogHead(device.log.head(size))
        .addDevices(bundle(1, key1, device.log.logged(index1, size)))
        .addDevices(bundle(2, key2, device.log.logged(index2, size))).build();
  }

  private static PreKeyBundle bundle(int deviceId, ByteString key, LoggedKey logged) {
    return PreKeyBundle.newBuilder().setDeviceId(deviceId).setRegistrationId(7).setIdentityKey(key)
        .setKeyLogEntry(logged).build();
  }

  private Throwable refused(PreKeyBundles answer) {
    return failure(device.on(() -> proofs.check(BOB, answer)));
  }

  @Test
  void honestBundlesPassAndAdvanceTheHead() {
    assertThat(await(device.on(() -> proofs.check(BOB, honest())))).hasSize(2);
    assertThat(device.saved().getLatestHead().getSize()).isEqualTo(device.log.tree.size());
  }

  @Test
  void aKeyThatIsNotTheLoggedOneFails() {
    PreKeyBundles answer = honest().toBuilder()
        .setDevices(1, honest().getDevices(1).toBuilder().setIdentityKey(TestKeyLog.key("mallory"))).build();
    assertThat(refused(answer)).isInstanceOf(KeyTransparencyException.class)
        .hasMessage("device 2 of " + BOB + ": its identity key is not the logged one");
  }

  @Test
  void anotherDevicesEntryFails() {
    long size = device.log.tree.size();
    PreKeyBundles answer = honest().toBuilder().setDevices(1, bundle(2, key1, device.log.logged(index1, size))).build();
    assertThat(refused(answer)).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("the log entry is for device 1 of " + BOB);
  }

  @Test
  void aBadAuditPathFails() {
    PreKeyBundle second = honest().getDevices(1);
    LoggedKey tampered = second.getKeyLogEntry().toBuilder().setAuditPath(0, ByteString.copyFrom(new byte[32])).build();
    PreKeyBundles answer = honest().toBuilder().setDevices(1, second.toBuilder().setKeyLogEntry(tampered)).build();
    assertThat(refused(answer)).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("device 2 of " + BOB + ": key not in the log");
    // the right path for another index is no better
    PreKeyBundles wrongIndex = honest().toBuilder().setDevices(1, second.toBuilder()
        .setKeyLogEntry(second.getKeyLogEntry().toBuilder().setIndex(index1))).build();
    assertThat(refused(wrongIndex)).isInstanceOf(KeyTransparencyException.class);
  }

  @Test
  void aBundleWithoutAnEntryOrAnAnswerWithoutAHeadFails() {
    PreKeyBundles noEntry = honest().toBuilder().setDevices(0, honest().getDevices(0).toBuilder().clearKeyLogEntry())
        .build();
    assertThat(refused(noEntry)).hasMessage("device 1 of " + BOB + ": key not in the log (no log entry)");
    assertThat(refused(honest().toBuilder().clearKeyLogHead().build())).isInstanceOf(KeyTransparencyException.class);
  }

  @Test
  void aHeadWithABadSignatureFails() {
    long size = device.log.tree.size();
    PreKeyBundles answer = honest().toBuilder()
        .setKeyLogHead(device.log.sign(size, device.log.tree.root(size), TestKeyLog.newKeyPair())).build();
    assertThat(refused(answer)).isInstanceOf(KeyTransparencyException.class).hasMessageContaining("not signed");
  }

  @Test
  void bundlesProvedAgainstAForkedHeadFail() {
    await(device.on(() -> proofs.check(BOB, honest())));
    // a head of the same size over a log where device 2 has another key: the proofs hold for that log only
    TestKeyLog forked = device.log;
    long size = forked.tree.size();
    org.sealpost.merkle.MerkleTree other = new org.sealpost.merkle.MerkleTree();
    for (int i = 0; i < size - 1; i++) {
      other.append(forked.tree.leaf(i));
    }
    ByteString mallory = TestKeyLog.key("mallory");
    ByteString entry = org.sealpost.protocol.KeyLogEntry.newBuilder().setNumber(BOB).setDeviceId(2)
        .setIdentityKey(mallory).build().toByteString();
    other.append(org.sealpost.merkle.MerkleHash.leaf(entry.toByteArray()));
    LoggedKey logged = LoggedKey.newBuilder().setEntry(entry).setIndex(size - 1).addAllAuditPath(
        other.inclusionProof(size - 1, size).stream().map(ByteString::copyFrom).toList()).build();
    PreKeyBundles answer = PreKeyBundles.newBuilder().setNumber(BOB)
        .setKeyLogHead(forked.sign(size, other.root(size), forked.keys)).addDevices(bundle(2, mallory, logged)).build();
    assertThat(refused(answer)).isInstanceOf(KeyTransparencyException.class).hasMessageContaining("the log forked");
  }
}
