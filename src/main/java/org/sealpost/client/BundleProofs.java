package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import java.util.List;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleProofs;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyBundles;

/**
 * Checks the prekey bundles the server hands out against its key log before any is used: each
 * bundle's identity key must be the one its log entry binds to that number and device, the entry
 * must be in the tree of the answer's head (audit path), and that head must verify and be
 * consistent with this device's view ({@link KeyLogHeads}). Otherwise the fetch fails with
 * {@link KeyTransparencyException}: a key the log does not show is never used.
 */
final class BundleProofs {
  private final KeyLogHeads heads;
  private final CryptoWorker crypto;

  BundleProofs(KeyLogHeads heads, CryptoWorker crypto) {
    this.heads = heads;
    this.crypto = crypto;
  }

  /** The bundles of {@code answer}, the keys of {@code number}, once every one of them checked. */
  Future<List<PreKeyBundle>> check(String number, PreKeyBundles answer) {
    if (answer.getDevicesCount() == 0) {
      return Future.succeededFuture(List.of());
    }
    return crypto.run(() -> {
      if (!answer.hasKeyLogHead()) {
        throw new KeyTransparencyException("the keys of " + number + " came without a head of the key log");
      }
      TreeHead head = KeyLogHeads.treeHead(answer.getKeyLogHead());
      for (PreKeyBundle bundle : answer.getDevicesList()) {
        checkBundle(number, bundle, head);
      }
      return null;
    }).compose(v -> heads.advance(answer.getKeyLogHead())).map(latest -> answer.getDevicesList());
  }

  private static void checkBundle(String number, PreKeyBundle bundle, TreeHead head) {
    String device = "device " + bundle.getDeviceId() + " of " + number + ": ";
    if (!bundle.hasKeyLogEntry()) {
      throw new KeyTransparencyException(device + "key not in the log (no log entry)");
    }
    LoggedKey logged = bundle.getKeyLogEntry();
    byte[] leaf = MerkleHash.leaf(logged.getEntry().toByteArray());
    KeyLogEntry entry = parse(device, logged.getEntry());
    if (!entry.getNumber().equals(number) || entry.getDeviceId() != bundle.getDeviceId()) {
      throw new KeyTransparencyException(device + "the log entry is for device " + entry.getDeviceId() + " of "
          + entry.getNumber());
    }
    if (entry.getIdentityKey().isEmpty()) {
      throw new KeyTransparencyException(device + "the log says the device is gone");
    }
    if (!entry.getIdentityKey().equals(bundle.getIdentityKey())) {
      throw new KeyTransparencyException(device + "its identity key is not the logged one");
    }
    List<byte[]> path = logged.getAuditPathList().stream().map(ByteString::toByteArray).toList();
    if (!MerkleProofs.verifyInclusion(leaf, logged.getIndex(), head.size(), path, head.rootHash())) {
      throw new KeyTransparencyException(device + "key not in the log (the audit path of entry " + logged.getIndex()
          + " does not lead to the root of head " + head.size() + ")");
    }
  }

  /** An entry's bytes as a {@link KeyLogEntry}, parsed only after they were hashed. */
  static KeyLogEntry parse(String what, ByteString bytes) {
    try {
      return KeyLogEntry.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new KeyTransparencyException(what + "its log entry is unreadable");
    }
  }
}
