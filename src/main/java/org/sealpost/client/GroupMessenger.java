package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sealpost.client.proto.Content;
import org.sealpost.client.proto.GroupKeyDistribution;
import org.sealpost.client.proto.GroupMetadata;
import org.sealpost.client.proto.GroupState;
import org.sealpost.protocol.AddMembersRequest;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupMember;
import org.sealpost.protocol.GroupSendRequest;
import org.sealpost.protocol.GroupSendResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups as the SDK does them: the server's membership API, sender-key distribution over the 1:1
 * sessions ({@link MessageSender}), and one Sender-Key ciphertext per group message that the
 * server fans out. Keys and group state live in {@link GroupSessions}.
 */
final class GroupMessenger {
  private static final Logger log = LoggerFactory.getLogger(GroupMessenger.class);
  private final GroupSessions groups;
  private final MessageSender sender;
  private final CryptoWorker crypto;
  private final ServerApi api;
  private final String ownNumber;
  private final Clock clock;
  private final SentLog sent;
  private final KeyLogHeads heads;

  GroupMessenger(GroupSessions groups, MessageSender sender, CryptoWorker crypto, ServerApi api, String ownNumber,
      Clock clock, SentLog sent, KeyLogHeads heads) {
    this.heads = heads;
    this.sent = sent;
    this.groups = groups;
    this.sender = sender;
    this.crypto = crypto;
    this.api = api;
    this.ownNumber = ownNumber;
    this.clock = clock;
  }

  /**
   * Creates the group on the server (this account becomes its admin) with its name sealed in the
   * metadata, then hands the members this device's sender key, which carries the master key, so
   * their devices can name the group from the start rather than from its first message. That
   * hand-out is best effort: should it fail, the first send makes it.
   */
  Future<GroupInfo> create(String name, List<String> members) {
    byte[] masterKey = new byte[32];
    new java.security.SecureRandom().nextBytes(masterKey);
    return crypto.run(() -> GroupSessions.sealMetadata(masterKey, GroupMetadata.newBuilder().setName(name).build()))
        .compose(metadata -> api.call("POST", "/v1/groups", CreateGroupRequest.newBuilder().addAllMembers(members)
            .setMetadata(ByteString.copyFrom(metadata)).build(), Group.parser()))
        .compose(group -> crypto.run(() -> {
          GroupState state = groups.created(group.getId(), name);
          groups.save(state.toBuilder().setMasterKey(ByteString.copyFrom(masterKey)).build());
          return info(group);
        }))
        .compose(info -> distribute(info.id()).transform(distributed -> {
          if (distributed.failed()) {
            log.info("group {} - sender key not handed out at creation ({}); the first send does it", info.id(),
                distributed.cause().getMessage());
          }
          return Future.succeededFuture(info);
        }));
  }

  /** The group as the server has it now, with its name decrypted when this device holds the master key. */
  Future<GroupInfo> get(String groupId) {
    return api.call("GET", "/v1/groups/" + groupId, Empty.getDefaultInstance(), Group.parser())
        .compose(group -> crypto.run(() -> info(group)));
  }

  Future<GroupInfo> add(String groupId, List<String> members) {
    return api.call("PUT", "/v1/groups/" + groupId + "/members",
            AddMembersRequest.newBuilder().addAllMembers(members).build(), Group.parser())
        .compose(group -> crypto.run(() -> info(group)));
  }

  /** Removes a member (or leaves, for the own number); the own sender key is rotated before the next send. */
  Future<GroupInfo> remove(String groupId, String number) {
    return api.call("DELETE", "/v1/groups/" + groupId + "/members/" + number, Empty.getDefaultInstance(),
            Group.parser())
        .compose(group -> crypto.run(() -> {
          groups.memberLeft(groupId, List.of(number));
          return info(group);
        }));
  }

  /**
   * Sends {@code content} (text, files) to the group: first this device's sender key to every
   * member (own other devices included) that lacks the current one, over 1:1 sessions; then one
   * Sender-Key ciphertext for the server to fan out. Completes at the single tick.
   */
  Future<SentMessage> send(String groupId, Content content, MessageId id, boolean newId) {
    long now = clock.millis();
    return distribute(groupId)
        .compose(members -> crypto.run(() -> {
          sent.record(id, members); // before the send: the members' receipts are checked against it
          return groups.encrypt(groupId, ContentCodec.encode(
            heads.stamp(content.toBuilder().setGroupId(groupId).build())));
        }))
        // A random id is the first attempt; one the caller chose may have been sent before.
        .compose(ciphertext -> api.call("PUT", "/v1/groups/" + groupId + "/messages", GroupSendRequest.newBuilder()
            .setMessageId(id.bytes()).setTimestamp(now).setContent(ByteString.copyFrom(ciphertext))
            .setFirstAttempt(newId).build(),
            GroupSendResponse.parser()))
        .map(tick -> new SentMessage(id, groupId, now, tick.getServerTimestamp(), tick.getDuplicate()));
  }

  /**
   * Makes sure every current member's devices hold this device's current sender key; completes
   * with the members' numbers (this account's left out).
   */
  Future<List<String>> distribute(String groupId) {
    return api.call("GET", "/v1/groups/" + groupId, Empty.getDefaultInstance(), Group.parser())
        .compose(group -> crypto.run(() -> {
          GroupKeyDistribution distribution = groups.distribution(groupId);
          Set<String> missing = new LinkedHashSet<>();
          for (GroupMember member : group.getMembersList()) {
            missing.add(member.getNumber());
          }
          missing.removeAll(groups.load(groupId).orElseThrow().getDistributedToList());
          List<String> others = group.getMembersList().stream().map(GroupMember::getNumber)
              .filter(number -> !number.equals(ownNumber)).toList();
          return new Pending(distribution, List.copyOf(missing), others);
        }))
        .compose(pending -> {
          byte[] plaintext = ContentCodec.encode(Content.newBuilder().setGroupKey(pending.distribution()).build());
          List<Future<?>> sends = new ArrayList<>();
          for (String member : pending.members()) {
            sends.add(sender.send(member, plaintext, MessageId.random(), clock.millis()));
          }
          return Future.all(sends).compose(all -> crypto.run(() -> {
            groups.distributed(groupId, pending.members());
            return pending.others();
          }));
        });
  }

  Future<String> localName(String groupId) {
    return crypto.run(() -> groups.load(groupId).map(GroupState::getName).filter(n -> !n.isEmpty()).orElse(groupId));
  }

  /** Encrypts a group message without sending it (tests: what a removed member could capture). */
  Future<byte[]> encryptOnly(String groupId, String text) {
    return distribute(groupId).compose(members -> crypto.run(() -> groups.encrypt(groupId,
        ContentCodec.encode(Content.newBuilder().setText(text).setGroupId(groupId).build()))));
  }

  /** Decrypts Sender-Key ciphertext from {@code source}'s device (tests); fails when this device cannot. */
  Future<String> decryptOnly(String source, int sourceDevice, byte[] ciphertext) {
    return crypto.run(() -> ContentCodec.decode(groups.decrypt(source, sourceDevice, ciphertext)).getText());
  }

  private GroupInfo info(Group group) {
    List<String> members = new ArrayList<>();
    Set<String> admins = new LinkedHashSet<>();
    for (GroupMember member : group.getMembersList()) {
      members.add(member.getNumber());
      if (member.getAdmin()) {
        admins.add(member.getNumber());
      }
    }
    Optional<GroupState> state = groups.load(group.getId());
    Optional<String> name = state.flatMap(s -> GroupSessions.openMetadata(s.getMasterKey().toByteArray(),
            group.getMetadata().toByteArray()).map(GroupMetadata::getName))
        .or(() -> state.map(GroupState::getName).filter(n -> !n.isEmpty()));
    return new GroupInfo(group.getId(), name, List.copyOf(members), Set.copyOf(admins), group.getRevision());
  }

  /** @param members those still lacking the sender key; {@code others} every member but this account */
  private record Pending(GroupKeyDistribution distribution, List<String> members, List<String> others) {}
}
