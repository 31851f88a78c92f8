package org.sealpost.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.api.DeviceKey;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleProofs;
import org.sealpost.merkle.MerkleTree;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.store.KeyLogStore;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.embedded.EmbeddedKeyLogStore;

/** The server's key log over the embedded store: what it appends, and that its proofs hold. */
@ExtendWith(VertxExtension.class)
class StoredKeyLogTest {
  private static final DeviceKey ALICE_1 = new DeviceKey("+15550001111", 1);
  private static final DeviceKey ALICE_2 = new DeviceKey("+15550001111", 2);
  private static final DeviceKey BOB_1 = new DeviceKey("+15550002222", 1);
  private static final ByteString K1 = key(1);
  private static final ByteString K2 = key(2);

  @TempDir Path dir;
  private EmbeddedDatabase db;
  private KeyLogStore store;

  @BeforeEach
  void open(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    store = new EmbeddedKeyLogStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void onlyAChangeOfKeyAppends(Vertx vertx) {
    StoredKeyLog keyLog = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    await(keyLog.record(ALICE_1, K1));
    await(keyLog.record(ALICE_1, K1));
    await(keyLog.record(BOB_1, ByteString.EMPTY)); // no key yet: nothing to take back
    await(keyLog.record(ALICE_1, K2));
    await(keyLog.record(ALICE_1, ByteString.EMPTY));
    await(keyLog.record(ALICE_1, ByteString.EMPTY));

    List<KeyLogEntry> entries = parse(await(keyLog.entries(0)));
    assertThat(entries).extracting(KeyLogEntry::getIdentityKey).containsExactly(K1, K2, ByteString.EMPTY);
    assertThat(entries).allSatisfy(entry -> {
      assertThat(entry.getNumber()).isEqualTo(ALICE_1.number());
      assertThat(entry.getDeviceId()).isEqualTo(1);
      assertThat(entry.getLoggedAt()).isPositive();
    });
  }

  @Test
  void aProvedKeyIsTheLoggedOneUnderASignedHead(Vertx vertx) throws Exception {
    StoredKeyLog keyLog = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    await(keyLog.record(BOB_1, key(9)));
    await(keyLog.record(ALICE_1, K1));
    await(keyLog.record(ALICE_2, K2));

    KeyLog.ProvedKeys proved = await(keyLog.prove(ALICE_1.number(), Map.of(1, K1, 2, K2)));
    assertThat(proved.entries()).containsOnlyKeys(1, 2);
    assertValid(proved.head(), keyLog);
    for (var device : proved.entries().entrySet()) {
      LoggedKey logged = device.getValue();
      KeyLogEntry entry = KeyLogEntry.parseFrom(logged.getEntry());
      assertThat(entry.getDeviceId()).isEqualTo(device.getKey());
      assertThat(entry.getIdentityKey()).isEqualTo(device.getKey() == 1 ? K1 : K2);
      assertThat(MerkleProofs.verifyInclusion(MerkleHash.leaf(logged.getEntry().toByteArray()), logged.getIndex(),
          proved.head().getSize(), bytes(logged.getAuditPathList()), proved.head().getRootHash().toByteArray()))
          .isTrue();
    }
  }

  @Test
  void aKeyTheLogDoesNotHoldIsNeverProved(Vertx vertx) {
    StoredKeyLog keyLog = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    await(keyLog.record(ALICE_1, K1));
    Throwable refused = awaitFailure(keyLog.prove(ALICE_1.number(), Map.of(1, K2)));
    assertThat(refused).isInstanceOf(SealpostException.class);
    assertThat(((SealpostException) refused).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    await(keyLog.record(ALICE_1, ByteString.EMPTY));
    assertThat(awaitFailure(keyLog.prove(ALICE_1.number(), Map.of(1, K1)))).isInstanceOf(SealpostException.class);
  }

  @Test
  void aReopenedLogHasTheSameTreeAndKey(Vertx vertx) {
    StoredKeyLog first = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    for (int i = 0; i < 40; i++) {
      await(first.record(new DeviceKey("+1555000" + (3000 + i), 1), key(i)));
    }
    SignedTreeHead before = await(first.head());

    StoredKeyLog reopened = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    SignedTreeHead after = await(reopened.head());
    assertThat(after.getSize()).isEqualTo(40);
    assertThat(after.getRootHash()).isEqualTo(before.getRootHash());
    assertThat(reopened.publicKey()).isEqualTo(first.publicKey());
    assertThat(await(reopened.prove("+15550003007", Map.of(1, key(7)))).entries()).containsKey(1);
  }

  /** Two nodes appending to one store at once end with one log, which both prove from. */
  @Test
  void twoNodesAppendToOneOrderedLog(Vertx vertx) {
    StoredKeyLog nodeA = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    StoredKeyLog nodeB = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    List<Future<Void>> appends = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      appends.add(nodeA.record(new DeviceKey("+1555100" + (1000 + i), 1), key(i)));
      appends.add(nodeB.record(new DeviceKey("+1555200" + (1000 + i), 1), key(100 + i)));
    }
    await(Future.all(appends));

    SignedTreeHead headA = await(nodeA.head());
    SignedTreeHead headB = await(nodeB.head());
    assertThat(headA.getSize()).isEqualTo(60);
    assertThat(headB.getRootHash()).isEqualTo(headA.getRootHash());
    assertThat(await(nodeA.prove("+15552001005", Map.of(1, key(105)))).entries()).containsKey(1);
    assertThat(await(nodeB.prove("+15551001005", Map.of(1, key(5)))).entries()).containsKey(1);
  }

  @Test
  void monitorsPageThroughEntriesThatHashToTheSignedHeads(Vertx vertx) {
    StoredKeyLog keyLog = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    int total = StoredKeyLog.PAGE + 37;
    List<Future<Void>> appends = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      appends.add(keyLog.record(new DeviceKey("+1555" + (3000000 + i), 1), key(i)));
    }
    await(Future.all(appends));

    MerkleTree mine = new MerkleTree();
    KeyLogEntries first = await(keyLog.entries(0));
    KeyLogEntries second = await(keyLog.entries(first.getHead().getSize()));
    assertThat(first.getEntriesCount()).isEqualTo(StoredKeyLog.PAGE);
    assertThat(second.getEntriesCount()).isEqualTo(37);
    for (KeyLogEntries page : List.of(first, second)) {
      page.getEntriesList().forEach(entry -> mine.append(MerkleHash.leaf(entry.toByteArray())));
      assertThat(page.getHead().getSize()).isEqualTo(mine.size());
      assertThat(page.getHead().getRootHash().toByteArray()).isEqualTo(mine.root(mine.size()));
      assertValid(page.getHead(), keyLog);
    }
    // A monitor starting at 1,000 gets the roots that make up the first 1,000 entries.
    assertThat(second.getFrontierList()).hasSize(Long.bitCount(StoredKeyLog.PAGE))
        .isEqualTo(mine.frontier(StoredKeyLog.PAGE).stream().map(ByteString::copyFrom).toList());
    assertThat(await(keyLog.entries(total)).getEntriesCount()).isZero();
    assertThat(awaitFailure(keyLog.entries(total + 1))).isInstanceOf(SealpostException.class);

    ConsistencyProof proof = await(keyLog.consistency(first.getHead().getSize(), second.getHead().getSize()));
    assertThat(MerkleProofs.verifyConsistency(first.getHead().getSize(), second.getHead().getSize(),
        bytes(proof.getPathList()), first.getHead().getRootHash().toByteArray(),
        second.getHead().getRootHash().toByteArray())).isTrue();
    assertThat(awaitFailure(keyLog.consistency(3, total + 1))).isInstanceOf(SealpostException.class);
  }

  @Test
  void thePreKeyStoreLogsNewIdentitiesAndRemovals(Vertx vertx) {
    // Covered end to end by KeyTransparencyTest; here: clear of a device logs its removal first.
    StoredKeyLog keyLog = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
    await(keyLog.record(ALICE_2, K2));
    LoggedPreKeyStore preKeys = new LoggedPreKeyStore(
        new org.sealpost.store.embedded.EmbeddedPreKeyStore(db), keyLog);
    await(preKeys.clear(ALICE_2));
    assertThat(parse(await(keyLog.entries(0)))).extracting(KeyLogEntry::getIdentityKey)
        .containsExactly(K2, ByteString.EMPTY);
  }

  private static void assertValid(SignedTreeHead head, KeyLog keyLog) {
    try {
      PublicKey publicKey = KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(keyLog.publicKey().getPublicKey().toByteArray()));
      assertThat(new TreeHead(head.getSize(), head.getRootHash().toByteArray(), head.getTimestamp())
          .verify(head.getSignature().toByteArray(), publicKey)).isTrue();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static List<KeyLogEntry> parse(KeyLogEntries page) {
    List<KeyLogEntry> entries = new ArrayList<>();
    for (ByteString bytes : page.getEntriesList()) {
      try {
        entries.add(KeyLogEntry.parseFrom(bytes));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return entries;
  }

  private static List<byte[]> bytes(List<ByteString> hashes) {
    return hashes.stream().map(ByteString::toByteArray).toList();
  }

  /** A stand-in identity key: the log treats keys as bytes, the key service checks them. */
  private static ByteString key(int i) {
    byte[] key = new byte[33];
    key[0] = 5;
    key[1] = (byte) i;
    key[2] = (byte) (i >> 8);
    return ByteString.copyFrom(key);
  }
}
