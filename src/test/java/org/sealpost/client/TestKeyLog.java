package org.sealpost.client;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleTree;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.LoggedKeys;
import org.sealpost.protocol.SignedTreeHead;

/**
 * A key log the test builds, as the server would keep it (a {@link MerkleTree} of entries, heads
 * signed with an Ed25519 key of its own), answering the client's routes; each answer can be
 * tampered with to play a dishonest server.
 */
final class TestKeyLog implements KeyLogServer {
  final KeyPair keys = newKeyPair();
  final MerkleTree tree = new MerkleTree();
  final List<ByteString> entries = new ArrayList<>();
  int pageSize = 1000;
  UnaryOperator<KeyLogEntries> entriesAnswer = UnaryOperator.identity();
  UnaryOperator<ConsistencyProof> consistencyAnswer = UnaryOperator.identity();
  UnaryOperator<LoggedKeys> devicesAnswer = UnaryOperator.identity();
  private long clock = 1_000;

  static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  ByteString publicKey() {
    return ByteString.copyFrom(keys.getPublic().getEncoded());
  }

  /** Logs {@code key} for the device; returns the entry's index. */
  long append(String number, int device, ByteString key) {
    ByteString bytes = KeyLogEntry.newBuilder().setNumber(number).setDeviceId(device).setIdentityKey(key)
        .setLoggedAt(clock++).build().toByteString();
    entries.add(bytes);
    return tree.append(MerkleHash.leaf(bytes.toByteArray()));
  }

  /** Some entries of other numbers. */
  void appendOthers(int count) {
    for (int i = 0; i < count; i++) {
      append("+4420" + (7000000 + entries.size()), 1, key("other " + entries.size()));
    }
  }

  static ByteString key(String seed) {
    byte[] bytes = new byte[33];
    bytes[0] = 5;
    byte[] text = seed.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(text, 0, bytes, 1, Math.min(32, text.length));
    return ByteString.copyFrom(bytes);
  }

  SignedTreeHead head(long size) {
    return sign(size, tree.root(size), keys);
  }

  SignedTreeHead sign(long size, byte[] root, KeyPair signer) {
    long timestamp = clock++;
    TreeHead head = new TreeHead(size, root, timestamp);
    return SignedTreeHead.newBuilder().setSize(size).setRootHash(ByteString.copyFrom(root)).setTimestamp(timestamp)
        .setSignature(ByteString.copyFrom(head.sign(signer.getPrivate()))).build();
  }

  LoggedKey logged(long index, long size) {
    LoggedKey.Builder logged = LoggedKey.newBuilder().setEntry(entries.get((int) index)).setIndex(index);
    tree.inclusionProof(index, size).forEach(hash -> logged.addAuditPath(ByteString.copyFrom(hash)));
    return logged.build();
  }

  @Override
  public Future<KeyLogKey> key() {
    return Future.succeededFuture(KeyLogKey.newBuilder().setPublicKey(publicKey()).build());
  }

  @Override
  public Future<SignedTreeHead> head() {
    return Future.succeededFuture(head(tree.size()));
  }

  @Override
  public Future<ConsistencyProof> consistency(long oldSize, long newSize) {
    if (oldSize < 0 || oldSize > newSize || newSize > tree.size()) {
      return Future.failedFuture(new RequestFailedException(404, ErrorBody.newBuilder().setMessage("no").build()));
    }
    ConsistencyProof.Builder proof = ConsistencyProof.newBuilder().setOldSize(oldSize).setNewSize(newSize);
    tree.consistencyProof(oldSize, newSize).forEach(hash -> proof.addPath(ByteString.copyFrom(hash)));
    return Future.succeededFuture(consistencyAnswer.apply(proof.build()));
  }

  @Override
  public Future<KeyLogEntries> entries(long from) {
    if (from > tree.size()) {
      return Future.failedFuture(new RequestFailedException(400, ErrorBody.newBuilder().setMessage("no").build()));
    }
    int end = (int) Math.min(tree.size(), from + pageSize);
    KeyLogEntries.Builder page = KeyLogEntries.newBuilder().setFrom(from)
        .addAllEntries(entries.subList((int) from, end)).setHead(head(end));
    tree.frontier(from).forEach(hash -> page.addFrontier(ByteString.copyFrom(hash)));
    return Future.succeededFuture(entriesAnswer.apply(page.build()));
  }

  @Override
  public Future<LoggedKeys> devices(String number) {
    Map<Integer, Long> latest = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      KeyLogEntry entry = BundleProofs.parse("", entries.get(i));
      if (entry.getNumber().equals(number)) {
        if (entry.getIdentityKey().isEmpty()) {
          latest.remove(entry.getDeviceId());
        } else {
          latest.put(entry.getDeviceId(), (long) i);
        }
      }
    }
    LoggedKeys.Builder answer = LoggedKeys.newBuilder().setNumber(number).setHead(head(tree.size()));
    latest.values().forEach(index -> answer.addDevices(logged(index, tree.size())));
    return Future.succeededFuture(devicesAnswer.apply(answer.build()));
  }
}
