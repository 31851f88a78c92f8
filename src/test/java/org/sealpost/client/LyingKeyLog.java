package org.sealpost.client;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sealpost.api.DeviceKey;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleTree;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.transparency.KeyLog;

/**
 * A server's key log as a dishonest operator would serve it (test wiring only: {@link
 * org.sealpost.testing.TestServer}'s key-log view): honest until a test switches on one lie. The
 * operator has the log's signing key, so whatever it shows is signed; what it cannot do is make
 * its lies consistent with what others were shown.
 */
final class LyingKeyLog implements KeyLog {
  /** Signs heads as the log does: the operator holds the log's key. */
  interface Signer {
    SignedTreeHead sign(long size, byte[] root);
  }

  private final KeyLog honest;
  private volatile Signer signer;
  /** Hand out whatever key the prekey store holds, with the device's logged entry (not that key's). */
  private volatile boolean proveAnyKey;
  /** A forked log: the honest entries and then these, shown to every key fetch and head check. */
  private volatile MerkleTree fork;
  private volatile Map<Integer, LoggedKey> forkedEntries = Map.of();
  /** Entries to leave out of what monitors read. */
  private volatile List<ByteString> hidden = List.of();

  LyingKeyLog(KeyLog honest) {
    this.honest = honest;
  }

  void signer(Signer signer) {
    this.signer = signer;
  }

  void proveAnyKey() {
    proveAnyKey = true;
  }

  /** From now on, fetches of {@code number}'s keys see a log forked with {@code extra} for its device. */
  void fork(List<ByteString> honestEntries, String number, int deviceId, ByteString extra) {
    MerkleTree forked = new MerkleTree();
    honestEntries.forEach(entry -> forked.append(MerkleHash.leaf(entry.toByteArray())));
    long index = forked.append(MerkleHash.leaf(extra.toByteArray()));
    forkedEntries = Map.of(deviceId, LoggedKey.newBuilder().setEntry(extra).setIndex(index)
        .addAllAuditPath(hashes(forked.inclusionProof(index, forked.size()))).build());
    fork = forked;
  }

  void hideFromMonitors(ByteString entry) {
    hidden = List.of(entry);
  }

  /** Back to the honest log. */
  void stopLying() {
    proveAnyKey = false;
    fork = null;
    hidden = List.of();
  }

  @Override
  public Future<Void> record(DeviceKey device, ByteString identityKey) {
    return honest.record(device, identityKey);
  }

  @Override
  public Future<ProvedKeys> prove(String number, Map<Integer, ByteString> keys) {
    MerkleTree forked = fork;
    if (forked != null) {
      return Future.succeededFuture(new ProvedKeys(head(forked), forkedEntries));
    }
    return proveAnyKey ? honest.current(number, new ArrayList<>(keys.keySet())) : honest.prove(number, keys);
  }

  @Override
  public Future<ProvedKeys> current(String number, List<Integer> deviceIds) {
    return honest.current(number, deviceIds);
  }

  @Override
  public Future<SignedTreeHead> head() {
    MerkleTree forked = fork;
    return forked != null ? Future.succeededFuture(head(forked)) : honest.head();
  }

  @Override
  public Future<ConsistencyProof> consistency(long oldSize, long newSize) {
    MerkleTree forked = fork;
    if (forked != null && newSize <= forked.size()) {
      return Future.succeededFuture(ConsistencyProof.newBuilder().setOldSize(oldSize).setNewSize(newSize)
          .addAllPath(hashes(forked.consistencyProof(oldSize, newSize))).build());
    }
    return honest.consistency(oldSize, newSize);
  }

  @Override
  public Future<KeyLogEntries> entries(long from) {
    List<ByteString> hide = hidden;
    return honest.entries(from).map(page -> hide.isEmpty() ? page : page.toBuilder().clearEntries()
        .addAllEntries(page.getEntriesList().stream().filter(entry -> !hide.contains(entry)).toList()).build());
  }

  @Override
  public KeyLogKey publicKey() {
    return honest.publicKey();
  }

  private SignedTreeHead head(MerkleTree tree) {
    return signer.sign(tree.size(), tree.root(tree.size()));
  }

  private static List<ByteString> hashes(List<byte[]> proof) {
    return proof.stream().map(ByteString::copyFrom).toList();
  }
}
