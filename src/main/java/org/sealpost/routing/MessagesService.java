package org.sealpost.routing;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.config.MessagesConfig;
import org.sealpost.errors.MismatchedDevicesException;
import org.sealpost.errors.SealpostException;
import org.sealpost.errors.StaleDevicesException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.CallSignal;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.MismatchedDevices;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;
import org.sealpost.protocol.StaleDevices;
import org.sealpost.store.AccountStore;
import org.sealpost.store.MessageQueueStore.DedupeKey;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * The store-and-forward path: checks a send against the destination's devices, stores one
 * envelope per device durably (the single tick), hands them to the {@link Router}, and turns
 * acks into delivery receipts (the double tick) and read reports into read receipts.
 */
public final class MessagesService {
  static final int MESSAGE_ID_BYTES = 16;
  private static final int MAX_RECEIPT_IDS = 100;

  private final MessagesConfig config;
  private final AccountStore accounts;
  private final MessageQueueStore queues;
  private final RateLimiters limits;
  private final Router router;
  private final Clock clock;
  private final MessagePolicy policy;

  public MessagesService(MessagesConfig config, AccountStore accounts, MessageQueueStore queues, RateLimiters limits,
      Router router, Clock clock) {
    this(config, accounts, queues, limits, router, clock, MessagePolicy.OPEN);
  }

  /** @param policy blocking and read receipt settings (privacy's PrivacyService) */
  public MessagesService(MessagesConfig config, AccountStore accounts, MessageQueueStore queues, RateLimiters limits,
      Router router, Clock clock, MessagePolicy policy) {
    this.policy = policy;
    this.config = config;
    this.accounts = accounts;
    this.queues = queues;
    this.limits = limits;
    this.router = router;
    this.clock = clock;
  }

  /** Accepts one logical message from {@code sender}; completes once every envelope is durable. */
  public Future<SendMessageResponse> send(DeviceKey sender, SendMessageRequest request) {
    try {
      checkShape(request);
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
    return limits.check(Limit.MESSAGES_PER_DEVICE, sender.id())
        .compose(v -> destination(request.getDestination()))
        // Before the device check, so a blocked sender learns nothing of the blocker's devices.
        .compose(account -> account.getNumber().equals(sender.number())
            ? Future.succeededFuture(account)
            : policy.checkSend(sender.number(), account.getNumber()).map(ok -> account))
        .compose(account -> {
          checkDevices(sender, account, request);
          if (request.getCall() != CallSignal.CALL_SIGNAL_NONE && account.getNumber().equals(sender.number())) {
            throw SealpostException.badRequest("a call must go to another account");
          }
          long now = clock.millis();
          List<Envelope> envelopes = envelopes(sender, request, now);
          if (request.getCall() != CallSignal.CALL_SIGNAL_NONE) {
            return sendCall(sender, request, envelopes, now);
          }
          if (request.getEphemeral()) {
            envelopes.forEach(router::deliver);
            return Future.succeededFuture(SendMessageResponse.newBuilder().setServerTimestamp(now).build());
          }
          DedupeKey key = new DedupeKey(sender.number(), request.getDestination(), request.getMessageId());
          return queues.appendOnce(key, now, envelopes, request.getFirstAttempt()).map(result -> {
            result.stored().forEach(router::deliver);
            return SendMessageResponse.newBuilder()
                .setServerTimestamp(result.serverTimestamp())
                .setDuplicate(result.duplicate())
                .build();
          });
        });
  }

  /**
   * A call signal goes only to the callee's connected devices. An offer that no device took is
   * stored instead, so the callee sees a missed call when it connects (and the router raises a
   * push); the caller learns from {@code unreachable} that nothing rings.
   */
  private Future<SendMessageResponse> sendCall(DeviceKey sender, SendMessageRequest request, List<Envelope> envelopes,
      long now) {
    SendMessageResponse live = SendMessageResponse.newBuilder().setServerTimestamp(now).build();
    if (request.getCall() != CallSignal.CALL_SIGNAL_OFFER) {
      envelopes.forEach(router::deliver);
      return Future.succeededFuture(live);
    }
    List<Future<Boolean>> handOffs = new ArrayList<>(envelopes.size());
    for (Envelope envelope : envelopes) {
      DeviceKey device = new DeviceKey(envelope.getDestination(), envelope.getDestinationDevice());
      handOffs.add(router.send(device, DeviceEvent.newBuilder().setEnvelope(envelope).build()));
    }
    return Future.all(handOffs).compose(all -> {
      for (int i = 0; i < all.size(); i++) {
        if (Boolean.TRUE.equals(all.resultAt(i))) {
          return Future.succeededFuture(live);
        }
      }
      List<Envelope> missed = new ArrayList<>(envelopes.size());
      envelopes.forEach(envelope -> missed.add(envelope.toBuilder().setEphemeral(false).build()));
      DedupeKey key = new DedupeKey(sender.number(), request.getDestination(), request.getMessageId());
      return queues.appendOnce(key, now, missed, request.getFirstAttempt()).map(result -> {
        result.stored().forEach(router::deliver);
        return SendMessageResponse.newBuilder()
            .setServerTimestamp(result.serverTimestamp())
            .setDuplicate(result.duplicate())
            .setUnreachable(true)
            .build();
      });
    });
  }

  /**
   * A device acked envelopes (one connection's acks of one read, usually): deletes them, and tells
   * the senders' devices they were delivered, with one receipt per sender device for all of that
   * sender's messages among them (at most {@value #MAX_RECEIPT_IDS} ids each); not for receipts,
   * and not for copies among one account's own devices. One store write for all.
   */
  public Future<Void> acknowledge(DeviceKey device, List<Envelope> acked) {
    List<Long> seqs = new ArrayList<>(acked.size());
    Map<Long, Envelope> wantingReceipts = new HashMap<>();
    Set<String> senders = new HashSet<>();
    for (Envelope envelope : acked) {
      seqs.add(envelope.getSeq());
      if (envelope.getType() == Envelope.Type.MESSAGE && !envelope.getSource().equals(device.number())) {
        wantingReceipts.put(envelope.getSeq(), envelope);
        senders.add(envelope.getSource());
      }
    }
    if (senders.isEmpty()) {
      return queues.deleteAll(device, seqs);
    }
    long now = clock.millis();
    // Every sender's devices before the write, which then makes the receipts of what it deleted.
    return accountsOf(senders).compose(accountsBySender -> queues.deleteThenAppend(device, seqs, deleted -> {
      Map<String, List<ByteString>> idsBySender = new LinkedHashMap<>();
      for (long seq : deleted) {
        Envelope envelope = wantingReceipts.get(seq);
        if (envelope != null) {
          idsBySender.computeIfAbsent(envelope.getSource(), s -> new ArrayList<>()).add(envelope.getMessageId());
        }
      }
      List<Envelope> receipts = new ArrayList<>();
      idsBySender.forEach((sender, ids) -> {
        AccountRecord account = accountsBySender.get(sender);
        for (int from = 0; account != null && from < ids.size(); from += MAX_RECEIPT_IDS) {
          receipts.addAll(receiptsTo(account, Envelope.Type.DELIVERY_RECEIPT, device,
              ids.subList(from, Math.min(ids.size(), from + MAX_RECEIPT_IDS)), now));
        }
      });
      return receipts;
    })).map(this::deliverAll);
  }

  /** The accounts of these numbers that exist, by number. */
  private Future<Map<String, AccountRecord>> accountsOf(Set<String> numbers) {
    List<Future<Optional<AccountRecord>>> reads = new ArrayList<>(numbers.size());
    numbers.forEach(number -> reads.add(accounts.get(number)));
    return Future.all(reads).map(all -> {
      Map<String, AccountRecord> found = new HashMap<>();
      reads.forEach(read -> read.result().ifPresent(account -> found.put(account.getNumber(), account)));
      return found;
    });
  }

  /** The reader's device read these messages of {@code destination}: blue ticks on its devices. */
  public Future<Void> markRead(DeviceKey reader, ReadReceiptRequest request) {
    if (request.getMessageIdsCount() == 0 || request.getMessageIdsCount() > MAX_RECEIPT_IDS) {
      return Future.failedFuture(SealpostException.badRequest("messageIds must hold 1.." + MAX_RECEIPT_IDS + " ids"));
    }
    for (ByteString id : request.getMessageIdsList()) {
      if (id.size() != MESSAGE_ID_BYTES) {
        return Future.failedFuture(SealpostException.badRequest("every message id must be 16 bytes"));
      }
    }
    // A receipt is queued for every device of the destination like a message: it spends the same budget.
    // Read receipts off on either side: accepted, and nothing is sent (reciprocal, as in WhatsApp).
    return limits.check(Limit.MESSAGES_PER_DEVICE, reader.id())
        .compose(v -> destination(request.getDestination()))
        .compose(account -> policy.readReceiptsAllowed(reader.number(), account.getNumber())
            .compose(allowed -> !allowed ? Future.<Void>succeededFuture()
                : receipts(Envelope.Type.READ_RECEIPT, reader, account.getNumber(),
                    request.getMessageIdsList(), request.getTimestamp() > 0 ? request.getTimestamp() : clock.millis())));
  }

  private Future<Void> receipts(Envelope.Type type, DeviceKey from, String to, List<ByteString> ids, long timestamp) {
    return receiptEnvelopes(type, from, to, ids, timestamp).compose(queues::append).map(this::deliverAll);
  }

  private Void deliverAll(List<Envelope> stored) {
    stored.forEach(router::deliver);
    return null;
  }

  /** One receipt for each device of {@code to} (none when the account is gone). */
  private Future<List<Envelope>> receiptEnvelopes(Envelope.Type type, DeviceKey from, String to, List<ByteString> ids,
      long timestamp) {
    return accounts.get(to).map(account -> account.isEmpty() ? List.<Envelope>of()
        : receiptsTo(account.get(), type, from, ids, timestamp));
  }

  /** One receipt for each device of {@code to}. */
  private static List<Envelope> receiptsTo(AccountRecord to, Envelope.Type type, DeviceKey from, List<ByteString> ids,
      long timestamp) {
    List<Envelope> envelopes = new ArrayList<>(to.getDevicesCount());
    for (DeviceRecord device : to.getDevicesList()) {
      envelopes.add(Envelope.newBuilder()
          .setType(type)
          .setSource(from.number())
          .setSourceDevice(from.deviceId())
          .setDestination(to.getNumber())
          .setDestinationDevice(device.getId())
          .setServerTimestamp(timestamp)
          .addAllReceiptMessageIds(ids)
          .build());
    }
    return envelopes;
  }

  private Future<AccountRecord> destination(String number) {
    if (!PhoneNumbers.isValid(number)) {
      return Future.failedFuture(SealpostException.badRequest("destination must be an E.164 number like +15551234567"));
    }
    return accounts.get(number).compose(account -> account
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(SealpostException.notFound("no such account"))));
  }

  private void checkShape(SendMessageRequest request) {
    if (request.getMessageId().size() != MESSAGE_ID_BYTES) {
      throw SealpostException.badRequest("messageId must be 16 bytes");
    }
    PhoneNumbers.require(request.getDestination(), "destination");
    if (request.getCall() == CallSignal.UNRECOGNIZED) {
      throw SealpostException.badRequest("call must be CALL_SIGNAL_NONE, CALL_SIGNAL_OFFER or CALL_SIGNAL_UPDATE");
    }
    Set<Integer> seen = new TreeSet<>();
    for (OutgoingMessage message : request.getMessagesList()) {
      if (!seen.add(message.getDeviceId())) {
        throw SealpostException.badRequest("device " + message.getDeviceId() + " appears twice");
      }
      if (message.getContent().size() > config.maxContentBytes()) {
        throw SealpostException.tooLarge("content for device " + message.getDeviceId() + " exceeds "
            + config.maxContentBytes() + " bytes");
      }
      if (message.getContent().isEmpty()) {
        throw SealpostException.badRequest("content for device " + message.getDeviceId() + " is empty");
      }
    }
  }

  /** The request must cover exactly the destination's devices (less the sending device itself). */
  private static void checkDevices(DeviceKey sender, AccountRecord account, SendMessageRequest request) {
    boolean toSelf = account.getNumber().equals(sender.number());
    Set<Integer> expected = new TreeSet<>();
    for (DeviceRecord device : account.getDevicesList()) {
      if (!(toSelf && device.getId() == sender.deviceId())) {
        expected.add(device.getId());
      }
    }
    Set<Integer> provided = new TreeSet<>();
    request.getMessagesList().forEach(m -> provided.add(m.getDeviceId()));
    MismatchedDevices.Builder mismatch = MismatchedDevices.newBuilder();
    expected.stream().filter(id -> !provided.contains(id)).forEach(mismatch::addMissingDevices);
    provided.stream().filter(id -> !expected.contains(id)).forEach(mismatch::addExtraDevices);
    if (mismatch.getMissingDevicesCount() > 0 || mismatch.getExtraDevicesCount() > 0) {
      throw new MismatchedDevicesException(mismatch.build());
    }
    StaleDevices.Builder stale = StaleDevices.newBuilder();
    for (OutgoingMessage message : request.getMessagesList()) {
      int registrationId = account.getDevicesList().stream()
          .filter(d -> d.getId() == message.getDeviceId()).findFirst().orElseThrow().getRegistrationId();
      if (message.getRegistrationId() != 0 && message.getRegistrationId() != registrationId) {
        stale.addStaleDevices(message.getDeviceId());
      }
    }
    if (stale.getStaleDevicesCount() > 0) {
      throw new StaleDevicesException(stale.build());
    }
    if (expected.isEmpty() && !toSelf) {
      throw SealpostException.notFound("no such account");
    }
  }

  private static List<Envelope> envelopes(DeviceKey sender, SendMessageRequest request, long now) {
    List<Envelope> envelopes = new ArrayList<>(request.getMessagesCount());
    for (OutgoingMessage message : request.getMessagesList()) {
      boolean isCall = request.getCall() != CallSignal.CALL_SIGNAL_NONE;
      envelopes.add(Envelope.newBuilder()
          .setType(isCall ? Envelope.Type.CALL : Envelope.Type.MESSAGE)
          .setMessageId(request.getMessageId())
          .setSource(sender.number())
          .setSourceDevice(sender.deviceId())
          .setDestination(request.getDestination())
          .setDestinationDevice(message.getDeviceId())
          .setClientTimestamp(request.getTimestamp())
          .setServerTimestamp(now)
          .setContentType(message.getType())
          .setContent(message.getContent())
          .setEphemeral(isCall || request.getEphemeral())
          .build());
    }
    return envelopes;
  }
}
