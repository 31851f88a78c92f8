package org.sealpost.client;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleProofs;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.LoggedKeys;

/**
 * Looks a contact up in the key log ({@code GET /v1/keylog/devices/{number}}): checks every
 * device's entry and audit path and the head they are proved against, and compares each logged
 * key with the one this device holds for that device. What a user runs to see that the keys
 * their device uses are the ones the whole world is shown. Used on the client's context.
 */
final class ContactKeyLog {
  private static final HexFormat HEX = HexFormat.of();

  private final KeyLogServer server;
  private final KeyLogHeads heads;
  private final CryptoWorker crypto;
  private final FileProtocolStore store;

  ContactKeyLog(KeyLogServer server, KeyLogHeads heads, CryptoWorker crypto, FileProtocolStore store) {
    this.server = server;
    this.heads = heads;
    this.crypto = crypto;
    this.store = store;
  }

  /** One line per device of {@code contact}, logged or held here; fails when the head does not verify. */
  Future<List<LoggedKeyCheck>> check(String contact) {
    return server.devices(contact).compose(answer -> crypto.run(() -> compare(contact, answer))
        .compose(checks -> heads.advance(answer.getHead()).map(latest -> checks)));
  }

  private List<LoggedKeyCheck> compare(String contact, LoggedKeys answer) {
    if (!answer.hasHead()) {
      throw new KeyTransparencyException("the log's devices of " + contact + " came without a head");
    }
    TreeHead head = KeyLogHeads.treeHead(answer.getHead());
    Map<Integer, ByteString> held = new TreeMap<>();
    store.identitiesOf(contact).forEach(known -> held.put(known.deviceId(), ByteString.copyFrom(known.key().serialize())));
    List<LoggedKeyCheck> checks = new ArrayList<>();
    for (LoggedKey logged : answer.getDevicesList()) {
      byte[] leaf = MerkleHash.leaf(logged.getEntry().toByteArray());
      KeyLogEntry entry;
      try {
        entry = BundleProofs.parse("", logged.getEntry());
      } catch (KeyTransparencyException e) {
        checks.add(new LoggedKeyCheck(contact, 0, LoggedKeyCheck.Outcome.BAD_PROOF, "", "entry "
            + logged.getIndex() + " is unreadable"));
        continue;
      }
      int device = entry.getDeviceId();
      String key = HEX.formatHex(entry.getIdentityKey().toByteArray());
      List<byte[]> path = logged.getAuditPathList().stream().map(ByteString::toByteArray).toList();
      ByteString mine = held.remove(device);
      if (!entry.getNumber().equals(contact) || entry.getIdentityKey().isEmpty()) {
        checks.add(new LoggedKeyCheck(contact, device, LoggedKeyCheck.Outcome.BAD_PROOF, key,
            "the entry is not a key of " + contact));
      } else if (!MerkleProofs.verifyInclusion(leaf, logged.getIndex(), head.size(), path, head.rootHash())) {
        checks.add(new LoggedKeyCheck(contact, device, LoggedKeyCheck.Outcome.BAD_PROOF, key,
            "the audit path of entry " + logged.getIndex() + " does not lead to the head's root"));
      } else if (mine == null) {
        checks.add(new LoggedKeyCheck(contact, device, LoggedKeyCheck.Outcome.NOT_CONTACTED, key, "not contacted yet"));
      } else if (mine.equals(entry.getIdentityKey())) {
        checks.add(new LoggedKeyCheck(contact, device, LoggedKeyCheck.Outcome.MATCHES, key, "OK"));
      } else {
        checks.add(new LoggedKeyCheck(contact, device, LoggedKeyCheck.Outcome.DIFFERS, key,
            "the logged key is not the one this device holds (" + HEX.formatHex(mine.toByteArray()) + ")"));
      }
    }
    held.forEach((device, key) -> checks.add(new LoggedKeyCheck(contact, device, LoggedKeyCheck.Outcome.NOT_LOGGED,
        "", "this device holds a key for it, but the log has none")));
    return checks;
  }
}
