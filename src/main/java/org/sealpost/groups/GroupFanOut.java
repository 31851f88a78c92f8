package org.sealpost.groups;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sealpost.api.DeviceKey;
import org.sealpost.config.MessagesConfig;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupEvent;
import org.sealpost.protocol.GroupSendRequest;
import org.sealpost.protocol.GroupSendResponse;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.GroupStore;
import org.sealpost.store.MessageQueueStore.DedupeKey;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * Delivery to a group: one envelope for every device of every member, stored in the durable queue
 * and then routed, as a one-to-one message is. It carries the group send (one Sender-Key
 * ciphertext, idempotent by message id) and the {@link GroupEvent}s of membership changes; it
 * decides nothing about membership but whether a sender may send ({@link Members}).
 */
final class GroupFanOut {
  static final int MESSAGE_ID_BYTES = 16;
  private static final String DEDUPE_PREFIX = "group:";

  private final MessagesConfig config;
  private final AccountStore accounts;
  private final GroupStore groups;
  private final MessageQueueStore queues;
  private final RateLimiters limits;
  private final Router router;
  private final Clock clock;

  GroupFanOut(MessagesConfig config, AccountStore accounts, GroupStore groups, MessageQueueStore queues,
      RateLimiters limits, Router router, Clock clock) {
    this.config = config;
    this.accounts = accounts;
    this.groups = groups;
    this.queues = queues;
    this.limits = limits;
    this.router = router;
    this.clock = clock;
  }

  /**
   * One Sender-Key ciphertext to every device of every member except the sending device:
   * completes once every envelope is durable (the single tick). Idempotent by message id.
   */
  Future<GroupSendResponse> send(DeviceKey sender, String id, GroupSendRequest request) {
    if (request.getMessageId().size() != MESSAGE_ID_BYTES) {
      return Future.failedFuture(SealpostException.badRequest("messageId must be 16 bytes"));
    }
    if (request.getContent().isEmpty()) {
      return Future.failedFuture(SealpostException.badRequest("content is empty"));
    }
    if (request.getContent().size() > config.maxContentBytes()) {
      return Future.failedFuture(SealpostException.tooLarge("content exceeds " + config.maxContentBytes() + " bytes"));
    }
    return limits.check(Limit.MESSAGES_PER_DEVICE, sender.id())
        .compose(v -> Members.existing(groups, id))
        .compose(group -> {
          Members.requireRole(group, sender.number(), group.getSettings().getSend(), "send messages");
          return accounts.getAll(Members.numbers(group));
        })
        .compose(members -> {
          long now = clock.millis();
          Envelope.Builder template = Envelope.newBuilder()
              .setType(Envelope.Type.MESSAGE)
              .setMessageId(request.getMessageId())
              .setSource(sender.number())
              .setSourceDevice(sender.deviceId())
              .setClientTimestamp(request.getTimestamp())
              .setServerTimestamp(now)
              .setContentType(ContentType.SENDER_KEY_MESSAGE)
              .setContent(request.getContent())
              .setGroupId(id);
          List<Envelope> envelopes = toEveryDevice(members, template).stream()
              .filter(envelope -> !envelope.getDestination().equals(sender.number())
                  || envelope.getDestinationDevice() != sender.deviceId())
              .toList();
          DedupeKey key = new DedupeKey(sender.number(), DEDUPE_PREFIX + id, request.getMessageId());
          return queues.appendOnce(key, now, envelopes, request.getFirstAttempt()).map(result -> {
            result.stored().forEach(router::deliver);
            return GroupSendResponse.newBuilder()
                .setServerTimestamp(result.serverTimestamp())
                .setDuplicate(result.duplicate())
                .setRecipients(result.stored().size())
                .build();
          });
        });
  }

  /** Stores the event for every device of the group's members and {@code others}, then routes it. */
  Future<Void> announce(Group group, GroupEvent event, List<String> others) {
    Set<String> recipients = new LinkedHashSet<>(Members.numbers(group));
    recipients.addAll(others);
    Envelope.Builder template = Envelope.newBuilder()
        .setType(Envelope.Type.GROUP_EVENT)
        .setSource(event.getActor())
        .setServerTimestamp(clock.millis())
        .setGroupId(group.getId())
        .setGroupEvent(event);
    return accounts.getAll(recipients)
        .compose(members -> queues.append(toEveryDevice(members, template)))
        .map(stored -> {
          stored.forEach(router::deliver);
          return null;
        });
  }

  /** {@code template} addressed to each device of each of {@code members}. */
  private static List<Envelope> toEveryDevice(List<AccountRecord> members, Envelope.Builder template) {
    List<Envelope> envelopes = new ArrayList<>();
    for (AccountRecord member : members) {
      for (DeviceRecord device : member.getDevicesList()) {
        envelopes.add(template.setDestination(member.getNumber()).setDestinationDevice(device.getId()).build());
      }
    }
    return envelopes;
  }
}
