package org.sealpost.client;

import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.sealpost.client.proto.Content;
import org.sealpost.protocol.CallSignal;
import org.sealpost.protocol.ReadReceiptRequest;

/**
 * What this device sends to other accounts: messages, 1:1 and group, one after another in call
 * order (each waits for the one before, failed or not), and read receipts, which wait for nothing.
 * Used on the client's context.
 */
final class Outbox {
  private final CryptoWorker crypto;
  private final MessageSender sender;
  private final GroupMessenger groups;
  private final SentLog sent;
  private final ServerApi api;
  private final Clock clock;
  private final String number;
  private final KeyLogHeads heads;
  /** The last send handed over: the next one starts once it completes. */
  private Future<?> tail = Future.succeededFuture();

  Outbox(CryptoWorker crypto, MessageSender sender, GroupMessenger groups, SentLog sent, ServerApi api, Clock clock,
      String number, KeyLogHeads heads) {
    this.heads = heads;
    this.crypto = crypto;
    this.sender = sender;
    this.groups = groups;
    this.sent = sent;
    this.api = api;
    this.clock = clock;
    this.number = number;
  }

  /** Sends {@code content} to {@code to} after the sends before it. */
  Future<SentMessage> send(String to, Content content) {
    return enqueue(() -> sendNow(to, content, MessageId.random(), true));
  }

  /** As {@link #send(String, Content)}, as message {@code id}, which an earlier send may have stored already. */
  Future<SentMessage> send(String to, Content content, MessageId id) {
    return enqueue(() -> sendNow(to, content, id, false));
  }

  /** Sends {@code content} to the group after the sends before it. */
  Future<SentMessage> sendGroup(String groupId, Content content) {
    return enqueue(() -> groups.send(groupId, content, MessageId.random(), true));
  }

  /** As {@link #sendGroup(String, Content)}, as message {@code id}, which an earlier send may have stored already. */
  Future<SentMessage> sendGroup(String groupId, Content content, MessageId id) {
    return enqueue(() -> groups.send(groupId, content, id, false));
  }

  /** Tells {@code to}'s devices that these messages of theirs were read here. */
  Future<Void> markRead(String to, List<MessageId> ids) {
    ReadReceiptRequest.Builder request = ReadReceiptRequest.newBuilder().setDestination(to)
        .setTimestamp(clock.millis());
    ids.forEach(id -> request.addMessageIds(id.bytes()));
    return api.call("PUT", "/v1/receipts/read", request.build(), Empty.parser()).mapEmpty();
  }

  /** Completes once the sends handed over so far are done. */
  Future<?> idle() {
    return tail;
  }

  private Future<SentMessage> enqueue(Supplier<Future<SentMessage>> send) {
    Future<SentMessage> next = tail.transform(ignored -> send.get());
    tail = next;
    return next;
  }

  /**
   * Records the message as sent to {@code to} (the receipts that come back are checked against
   * it), sends the transcript to this account's other devices, then the message: in that order,
   * so another device has the transcript in its queue before any receipt of the message.
   */
  private Future<SentMessage> sendNow(String to, Content content, MessageId id, boolean newId) {
    long now = clock.millis();
    return crypto.run(() -> {
      sent.record(id, List.of(to));
      return heads.stamp(content); // the recipient compares this device's view of the key log with its own
    }).compose(stamped -> sender.send(number, ContentCodec.encode(stamped.toBuilder().setSentTo(to).build()), id, now,
            CallSignal.CALL_SIGNAL_NONE, newId)
        .compose(own -> (to.equals(number) ? Future.succeededFuture(own)
            : sender.send(to, ContentCodec.encode(stamped), id, now, CallSignal.CALL_SIGNAL_NONE, newId))
            .map(tick -> new SentMessage(id, to, now, tick.getServerTimestamp(), tick.getDuplicate()))));
  }
}
