package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import com.google.protobuf.ByteString;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.api.DeviceKey;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedPreKey;
import org.sealpost.store.PreKeyStore.TakenBundle;

/**
 * What every {@link PreKeyStore} must do; a backend's test extends this. The store checks no
 * signatures, so the keys here are arbitrary bytes.
 */
@ExtendWith(VertxExtension.class)
public abstract class PreKeyStoreContract {
  protected static final DeviceKey DEVICE = new DeviceKey("+15550001111", 1);
  protected static final DeviceKey SIBLING = new DeviceKey("+15550001111", 2);
  protected static final DeviceKey OTHER = new DeviceKey("+1555000111", 1);
  protected static final ByteString IDENTITY_A = ByteString.copyFromUtf8("identity-a");
  protected static final ByteString IDENTITY_B = ByteString.copyFromUtf8("identity-b");
  protected static final int SIGNED_ID = 7;
  protected static final int LAST_RESORT_ID = 9;

  protected PreKeyStore store;

  /** A new, empty store. The subclass releases what it opened (e.g. in an @AfterEach). */
  protected abstract PreKeyStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  /** A complete upload: identity, signed prekey, last resort, and one-time keys with ids 1..n. */
  protected static PreKeyUpload complete(ByteString identity, int ecKeys, int kyberKeys) {
    return PreKeyUpload.newBuilder()
        .setIdentityKey(identity)
        .setSignedPreKey(signed(SIGNED_ID, "signed"))
        .setLastResortKyberPreKey(signed(LAST_RESORT_ID, "last-resort"))
        .addAllOneTimePreKeys(ecKeys(1, ecKeys))
        .addAllOneTimeKyberPreKeys(kyberKeys(1, kyberKeys))
        .build();
  }

  protected static List<PreKey> ecKeys(int firstId, int n) {
    return IntStream.range(firstId, firstId + n)
        .mapToObj(id -> PreKey.newBuilder().setKeyId(id).setPublicKey(ByteString.copyFromUtf8("ec-" + id)).build())
        .toList();
  }

  protected static List<SignedPreKey> kyberKeys(int firstId, int n) {
    return IntStream.range(firstId, firstId + n).mapToObj(id -> signed(id, "kyber")).toList();
  }

  protected static SignedPreKey signed(int id, String label) {
    return SignedPreKey.newBuilder()
        .setKeyId(id)
        .setPublicKey(ByteString.copyFromUtf8(label + "-" + id))
        .setSignature(ByteString.copyFromUtf8("sig-" + label + "-" + id))
        .build();
  }

  protected static PreKeyCount count(int ec, int kyber) {
    return PreKeyCount.newBuilder().setEcCount(ec).setKyberCount(kyber).build();
  }

  protected PreKeyBundle take(DeviceKey device) {
    return await(store.take(device)).orElseThrow().bundle();
  }

  @Test
  void aTakeHandsOutTheStoredKeys() {
    assertThat(await(store.put(DEVICE, complete(IDENTITY_A, 2, 2)))).isEqualTo(count(2, 2));

    TakenBundle taken = await(store.take(DEVICE)).orElseThrow();

    PreKeyBundle bundle = taken.bundle();
    assertThat(bundle.getDeviceId()).isEqualTo(1);
    assertThat(bundle.getRegistrationId()).isZero();
    assertThat(bundle.getIdentityKey()).isEqualTo(IDENTITY_A);
    assertThat(bundle.getSignedPreKey()).isEqualTo(signed(SIGNED_ID, "signed"));
    assertThat(bundle.getOneTimePreKey()).isEqualTo(ecKeys(1, 1).get(0));
    assertThat(bundle.getKyberPreKey()).isEqualTo(signed(1, "kyber"));
    assertThat(taken.left()).isEqualTo(count(1, 1));
    assertThat(await(store.count(DEVICE))).isEqualTo(count(1, 1));
  }

  @Test
  void aDeviceWithoutKeysHasNothingToTake() {
    assertThat(await(store.take(DEVICE))).isEmpty();
    assertThat(await(store.identityKey(DEVICE))).isEmpty();
    assertThat(await(store.count(DEVICE))).isEqualTo(count(0, 0));
  }

  @Test
  void concurrentTakesNeverHandOutAKeyTwice() {
    await(store.put(DEVICE, complete(IDENTITY_A, 20, 20)));

    List<PreKeyBundle> bundles = inParallel(20, i -> store.take(DEVICE)).stream()
        .map(taken -> taken.orElseThrow().bundle())
        .toList();

    assertThat(bundles).extracting(b -> b.getOneTimePreKey().getKeyId()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
    assertThat(bundles).extracting(b -> b.getKyberPreKey().getKeyId()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
    assertThat(await(store.count(DEVICE))).isEqualTo(count(0, 0));
  }

  @Test
  void concurrentTakesBeyondTheOneTimeKeysFallBackWithoutRepeats() {
    await(store.put(DEVICE, complete(IDENTITY_A, 5, 8)));

    List<PreKeyBundle> bundles = inParallel(20, i -> store.take(DEVICE)).stream()
        .map(taken -> taken.orElseThrow().bundle())
        .toList();

    assertThat(bundles).filteredOn(PreKeyBundle::hasOneTimePreKey)
        .extracting(b -> b.getOneTimePreKey().getKeyId()).hasSize(5).doesNotHaveDuplicates();
    assertThat(bundles).extracting(b -> b.getKyberPreKey().getPublicKey().toStringUtf8())
        .filteredOn(key -> key.startsWith("kyber-")).hasSize(8).doesNotHaveDuplicates();
    assertThat(bundles).filteredOn(b -> b.getKyberPreKey().equals(signed(LAST_RESORT_ID, "last-resort")))
        .hasSize(12);
  }

  @Test
  void whenKyberOneTimeKeysRunOutTheLastResortKeyIsUsedAgainAndAgain() {
    await(store.put(DEVICE, complete(IDENTITY_A, 3, 1)));

    assertThat(take(DEVICE).getKyberPreKey()).isEqualTo(signed(1, "kyber"));
    assertThat(take(DEVICE).getKyberPreKey()).isEqualTo(signed(LAST_RESORT_ID, "last-resort"));
    assertThat(take(DEVICE).getKyberPreKey()).isEqualTo(signed(LAST_RESORT_ID, "last-resort"));
    assertThat(await(store.count(DEVICE))).isEqualTo(count(0, 0));
  }

  @Test
  void whenEcOneTimeKeysRunOutBundlesHaveNone() {
    await(store.put(DEVICE, complete(IDENTITY_A, 1, 3)));

    assertThat(take(DEVICE).hasOneTimePreKey()).isTrue();
    PreKeyBundle exhausted = take(DEVICE);

    assertThat(exhausted.hasOneTimePreKey()).isFalse();
    assertThat(exhausted.getSignedPreKey()).isEqualTo(signed(SIGNED_ID, "signed"));
    assertThat(exhausted.getKyberPreKey()).isEqualTo(signed(2, "kyber"));
    assertThat(await(store.count(DEVICE))).isEqualTo(count(0, 1));
  }

  @Test
  void uploadsUnderTheSameIdentityAddKeysAndReplaceWhatIsSet() {
    await(store.put(DEVICE, complete(IDENTITY_A, 2, 1)));
    PreKeyUpload more = PreKeyUpload.newBuilder()
        .setIdentityKey(IDENTITY_A)
        .setSignedPreKey(signed(SIGNED_ID + 1, "signed"))
        .addAllOneTimePreKeys(ecKeys(2, 3))
        .addAllOneTimeKyberPreKeys(kyberKeys(5, 1))
        .build();

    assertThat(await(store.put(DEVICE, more))).isEqualTo(count(4, 2));

    PreKeyBundle bundle = take(DEVICE);
    assertThat(bundle.getSignedPreKey()).isEqualTo(signed(SIGNED_ID + 1, "signed"));
    take(DEVICE);
    PreKeyBundle fallback = take(DEVICE);
    assertThat(fallback.getKyberPreKey()).isEqualTo(signed(LAST_RESORT_ID, "last-resort"));
  }

  @Test
  void aNewIdentityKeyReplacesEveryStoredKey() {
    await(store.put(DEVICE, complete(IDENTITY_A, 5, 5)));
    PreKeyUpload replacement = PreKeyUpload.newBuilder()
        .setIdentityKey(IDENTITY_B)
        .setSignedPreKey(signed(100, "signed-b"))
        .setLastResortKyberPreKey(signed(101, "last-resort-b"))
        .addAllOneTimePreKeys(ecKeys(50, 1))
        .build();

    assertThat(await(store.put(DEVICE, replacement))).isEqualTo(count(1, 0));

    PreKeyBundle bundle = take(DEVICE);
    assertThat(await(store.identityKey(DEVICE))).contains(IDENTITY_B);
    assertThat(bundle.getIdentityKey()).isEqualTo(IDENTITY_B);
    assertThat(bundle.getSignedPreKey()).isEqualTo(signed(100, "signed-b"));
    assertThat(bundle.getOneTimePreKey().getKeyId()).isEqualTo(50);
    assertThat(bundle.getKyberPreKey()).isEqualTo(signed(101, "last-resort-b"));
  }

  @Test
  void keysForANewIdentityMustBeCompleteOrNothingChanges() {
    await(store.put(DEVICE, complete(IDENTITY_A, 2, 2)));
    PreKeyUpload partial = PreKeyUpload.newBuilder()
        .setIdentityKey(IDENTITY_B)
        .setSignedPreKey(signed(100, "signed-b"))
        .addAllOneTimePreKeys(ecKeys(50, 1))
        .build();

    Throwable failure = awaitFailure(store.put(DEVICE, partial));

    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(await(store.identityKey(DEVICE))).contains(IDENTITY_A);
    assertThat(await(store.count(DEVICE))).isEqualTo(count(2, 2));
  }

  @Test
  void aFirstUploadMustBeComplete() {
    PreKeyUpload partial = PreKeyUpload.newBuilder()
        .setIdentityKey(IDENTITY_A)
        .setLastResortKyberPreKey(signed(LAST_RESORT_ID, "last-resort"))
        .addAllOneTimePreKeys(ecKeys(1, 3))
        .build();

    Throwable failure = awaitFailure(store.put(DEVICE, partial));

    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(await(store.take(DEVICE))).isEmpty();
    assertThat(await(store.count(DEVICE))).isEqualTo(count(0, 0));
  }

  @Test
  void aKeyIdUploadedAgainReplacesTheKey() {
    await(store.put(DEVICE, complete(IDENTITY_A, 1, 0)));
    PreKey again = PreKey.newBuilder().setKeyId(1).setPublicKey(ByteString.copyFromUtf8("ec-1-again")).build();

    assertThat(await(store.put(DEVICE, PreKeyUpload.newBuilder().setIdentityKey(IDENTITY_A)
        .addOneTimePreKeys(again).build()))).isEqualTo(count(1, 0));
    assertThat(take(DEVICE).getOneTimePreKey()).isEqualTo(again);
  }

  @Test
  void devicesKeepTheirKeysApart() {
    await(store.put(DEVICE, complete(IDENTITY_A, 3, 3)));
    await(store.put(SIBLING, complete(IDENTITY_B, 1, 1)));
    await(store.put(OTHER, complete(IDENTITY_B, 2, 0)));

    take(DEVICE);

    assertThat(await(store.count(DEVICE))).isEqualTo(count(2, 2));
    assertThat(await(store.count(SIBLING))).isEqualTo(count(1, 1));
    assertThat(await(store.count(OTHER))).isEqualTo(count(2, 0));
    assertThat(take(SIBLING).getIdentityKey()).isEqualTo(IDENTITY_B);
  }

  @Test
  void clearDeletesEveryKeyOfTheDeviceOnly() {
    await(store.put(DEVICE, complete(IDENTITY_A, 3, 3)));
    await(store.put(SIBLING, complete(IDENTITY_B, 1, 1)));

    await(store.clear(DEVICE));

    assertThat(await(store.take(DEVICE))).isEmpty();
    assertThat(await(store.identityKey(DEVICE))).isEmpty();
    assertThat(await(store.count(DEVICE))).isEqualTo(count(0, 0));
    assertThat(await(store.count(SIBLING))).isEqualTo(count(1, 1));
    await(store.clear(DEVICE));
  }

  @Test
  void afterAClearTheDeviceStartsAfresh() {
    await(store.put(DEVICE, complete(IDENTITY_A, 3, 3)));
    await(store.clear(DEVICE));

    assertThat(await(store.put(DEVICE, complete(IDENTITY_A, 1, 0)))).isEqualTo(count(1, 0));
    assertThat(await(store.take(DEVICE)).map(t -> t.bundle().getOneTimePreKey().getKeyId()))
        .isEqualTo(Optional.of(1));
  }
}
