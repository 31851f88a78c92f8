package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.sealpost.client.proto.GroupKeyDistribution;
import org.sealpost.client.proto.GroupMetadata;
import org.sealpost.client.proto.GroupState;
import org.sealpost.protocol.GroupEvent;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;

/**
 * Sender keys and what this device knows about its groups (files {@code groups/<id>.pb} next to
 * libsignal's {@code sender-keys/}).
 *
 * <p>Each device has one sender key per group, under a distribution id fixed for the group. Before
 * its first group message it sends a {@link GroupKeyDistribution} to each member over their 1:1
 * sessions, and remembers whom it reached; a member added later gets it before the next message.
 * When a member leaves or is removed the key is rotated: the own record is deleted, the next send
 * makes a new chain and distributes it to the remaining members only, so a removed member's old
 * key opens nothing sent afterwards.
 *
 * <p>Blocking and not thread-safe: used only on the client's crypto worker.
 */
final class GroupSessions {
  private static final String DIR = "groups";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final FileProtocolStore store;
  private final SignalProtocolAddress self;

  GroupSessions(FileProtocolStore store, String ownNumber, int ownDevice) {
    this.store = store;
    this.self = new SignalProtocolAddress(ownNumber, ownDevice);
  }

  Optional<GroupState> load(String groupId) {
    return store.files().read(path(groupId)).map(bytes -> {
      try {
        return GroupState.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("group state " + groupId + " is damaged", e);
      }
    });
  }

  void save(GroupState state) {
    store.files().write(path(state.getGroupId()), state.toByteArray());
  }

  /** The state of a group this device is creating: a new master key and distribution id. */
  GroupState created(String groupId, String name) {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    GroupState state = GroupState.newBuilder().setGroupId(groupId).setName(name)
        .setMasterKey(ByteString.copyFrom(key)).setDistributionId(UUID.randomUUID().toString()).build();
    save(state);
    return state;
  }

  /** The state of a group, made up (without name or master key) when this device never heard of it. */
  GroupState known(String groupId) {
    return load(groupId).orElseGet(() -> {
      GroupState state = GroupState.newBuilder().setGroupId(groupId)
          .setDistributionId(UUID.randomUUID().toString()).build();
      save(state);
      return state;
    });
  }

  /**
   * What to send each member that lacks this device's current key; rotates the key first when a
   * member left since it was made.
   */
  GroupKeyDistribution distribution(String groupId) {
    GroupState state = known(groupId);
    UUID distributionId = UUID.fromString(state.getDistributionId());
    if (state.getRotate()) {
      store.deleteSenderKey(self, distributionId);
      state = state.toBuilder().setRotate(false).clearDistributedTo().build();
      save(state);
    }
    SenderKeyDistributionMessage message = new GroupSessionBuilder(store).create(self, distributionId);
    return GroupKeyDistribution.newBuilder().setGroupId(groupId)
        .setSenderKeyDistribution(ByteString.copyFrom(message.serialize()))
        .setName(state.getName()).setMasterKey(state.getMasterKey()).build();
  }

  /** Records that these accounts' devices now hold the current key. */
  void distributed(String groupId, Collection<String> numbers) {
    GroupState state = known(groupId);
    GroupState.Builder next = state.toBuilder();
    numbers.stream().filter(n -> !state.getDistributedToList().contains(n)).forEach(next::addDistributedTo);
    save(next.build());
  }

  /** A member's key (and the group's name and master key, when this device lacks them). */
  void process(String source, int sourceDevice, GroupKeyDistribution distribution) throws Exception {
    SenderKeyDistributionMessage message =
        new SenderKeyDistributionMessage(distribution.getSenderKeyDistribution().toByteArray());
    new GroupSessionBuilder(store).process(new SignalProtocolAddress(source, sourceDevice), message);
    GroupState state = known(distribution.getGroupId());
    GroupState.Builder next = state.toBuilder().setRemoved(false);
    if (state.getName().isEmpty()) {
      next.setName(distribution.getName());
    }
    if (state.getMasterKey().isEmpty()) {
      next.setMasterKey(distribution.getMasterKey());
    }
    save(next.build());
  }

  /** A server group event: a departure makes the next send rotate; the own removal is remembered. */
  void onEvent(GroupEvent event) {
    boolean departure = event.getKind() == GroupEvent.Kind.MEMBERS_REMOVED
        || event.getKind() == GroupEvent.Kind.MEMBER_LEFT;
    if (!departure) {
      return;
    }
    memberLeft(event.getGroupId(), event.getMembersList());
  }

  void memberLeft(String groupId, Collection<String> numbers) {
    GroupState state = known(groupId);
    if (numbers.contains(self.getName())) {
      save(state.toBuilder().setRemoved(true).setRotate(true).clearDistributedTo().build());
    } else {
      save(state.toBuilder().setRotate(true).build());
    }
  }

  byte[] encrypt(String groupId, byte[] plaintext) throws Exception {
    GroupState state = known(groupId);
    return new GroupCipher(store, self).encrypt(UUID.fromString(state.getDistributionId()), plaintext).serialize();
  }

  byte[] decrypt(String source, int sourceDevice, byte[] ciphertext) throws Exception {
    return new GroupCipher(store, new SignalProtocolAddress(source, sourceDevice)).decrypt(ciphertext);
  }

  /** The metadata blob for the server: nonce, then AES-256-GCM of a GroupMetadata. */
  static byte[] sealMetadata(byte[] masterKey, GroupMetadata metadata) throws GeneralSecurityException {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(128, nonce));
    byte[] sealed = cipher.doFinal(metadata.toByteArray());
    byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
    System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
    return out;
  }

  static Optional<GroupMetadata> openMetadata(byte[] masterKey, byte[] blob) {
    if (masterKey.length != KEY_BYTES || blob.length <= NONCE_BYTES) {
      return Optional.empty();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(masterKey, "AES"),
          new GCMParameterSpec(128, blob, 0, NONCE_BYTES));
      return Optional.of(GroupMetadata.parseFrom(cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES)));
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  private static String path(String groupId) {
    return DIR + "/" + Addresses.escape(groupId) + ".pb";
  }
}
