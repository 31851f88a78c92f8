package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.LoggedKeyCheck.Outcome;
import org.sealpost.client.proto.LocalAccount;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/** A contact's logged keys are proved and compared with the keys this device holds for it. */
class ContactKeyLogTest {
  private static final String BOB = "+15550009876";
  @TempDir Path dir;
  private KeyLogFixture device;
  private FileProtocolStore store;
  private ContactKeyLog contacts;
  private final IdentityKey bob1 = IdentityKeyPair.generate().getPublicKey();
  private final IdentityKey bob2 = IdentityKeyPair.generate().getPublicKey();

  @BeforeEach
  void start() {
    device = new KeyLogFixture(dir, true);
    store = FileProtocolStore.create(new StateFiles(dir), LocalAccount.newBuilder().setNumber("+15550001111")
        .setDeviceId(1).setIdentityKeyPair(ByteString.copyFrom(IdentityKeyPair.generate().serialize())).build());
    contacts = new ContactKeyLog(device.log, device.heads, device.crypto, store);
    device.log.appendOthers(3);
    device.log.append(BOB, 1, ByteString.copyFrom(bob1.serialize()));
    device.log.appendOthers(2);
    device.log.append(BOB, 2, ByteString.copyFrom(bob2.serialize()));
  }

  @AfterEach
  void close() {
    device.close();
  }

  private List<LoggedKeyCheck> check() {
    return await(device.on(() -> contacts.check(BOB)));
  }

  private void hold(int deviceId, IdentityKey key) {
    await(device.on(() -> device.crypto.run(() -> store.saveIdentity(new SignalProtocolAddress(BOB, deviceId), key))));
  }

  @Test
  void comparesEachLoggedKeyWithTheHeldOne() {
    assertThat(check()).extracting(LoggedKeyCheck::outcome).containsExactly(Outcome.NOT_CONTACTED, Outcome.NOT_CONTACTED);
    hold(1, bob1);
    hold(2, IdentityKeyPair.generate().getPublicKey());
    hold(3, IdentityKeyPair.generate().getPublicKey());
    assertThat(check()).extracting(LoggedKeyCheck::deviceId, LoggedKeyCheck::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, Outcome.MATCHES), org.assertj.core.groups.Tuple.tuple(2, Outcome.DIFFERS),
        org.assertj.core.groups.Tuple.tuple(3, Outcome.NOT_LOGGED));
  }

  @Test
  void aBadAuditPathIsReportedAndABadHeadFailsTheCheck() {
    device.log.devicesAnswer = answer -> answer.toBuilder().setDevices(0, answer.getDevices(0).toBuilder()
        .setAuditPath(0, ByteString.copyFrom(new byte[32]))).build();
    assertThat(check()).extracting(LoggedKeyCheck::outcome).containsExactly(Outcome.BAD_PROOF, Outcome.NOT_CONTACTED);
    device.log.devicesAnswer = answer -> answer.toBuilder().setHead(answer.getHead().toBuilder()
        .setSignature(ByteString.copyFrom(new byte[64]))).build();
    assertThat(failure(device.on(() -> contacts.check(BOB)))).isInstanceOf(KeyTransparencyException.class);
  }
}
