package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.sealpost.client.proto.Content;
import org.sealpost.client.proto.ReceivedMessage;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.GroupEvent;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.Request;
import org.signal.libsignal.protocol.DuplicateMessageException;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers what the server pushes on the connection: deliveries, the queue-empty marker and
 * the keys-low signal.
 *
 * <p>Deliveries are handled one at a time in arrival order (the server may have several in
 * flight), so the application sees them in queue order and the queue-empty marker only after
 * every delivery sent before it. The answer to a delivery is its ack: 200 only once the message
 * is in the application's hands ({@link ClientListener#onMessage} succeeded) or can never be
 * shown (a duplicate, or undecryptable); anything else leaves it queued on the server.
 *
 * <p>A message from a changed identity is not decrypted. It stays queued on the server and is
 * held here until the user trusts the new identity; then it is decrypted and shown, and the
 * server's copy is acked as a duplicate on its next redelivery.
 */
final class MessageReceiver {
  private static final Logger log = LoggerFactory.getLogger(MessageReceiver.class);
  static final String MESSAGE_PATH = "/v1/message";
  static final String QUEUE_EMPTY_PATH = "/v1/queue/empty";
  static final String KEYS_LOW_PATH = "/v1/keys/low";
  private static final int OK = 200;
  private static final int BAD_REQUEST = 400;
  private static final int NOT_FOUND = 404;
  /** Any status but 200 leaves the envelope queued; 403 says "not trusted yet". */
  private static final int HELD = 403;
  private static final int FAILED = 500;

  private final FileProtocolStore store;
  private final GroupSessions groups;
  private final ReceivedLog received;
  private final CryptoWorker crypto;
  private final Supplier<ClientListener> listener;
  private final Function<PreKeyCount, Future<Void>> refillKeys;
  private final String self;
  private final Calls calls;
  private final SentLog sent;
  private final String ownNumber;
  private final SplitViewCheck splitView;
  /** Envelopes from a changed identity, by sender, waiting for the user's trust. */
  private final Map<String, List<Envelope>> held = new LinkedHashMap<>();
  /** Tail of the chain that handles deliveries one at a time. */
  private Future<?> tail = Future.succeededFuture();

  MessageReceiver(FileProtocolStore store, GroupSessions groups, CryptoWorker crypto,
      Supplier<ClientListener> listener, Function<PreKeyCount, Future<Void>> refillKeys, String self, Calls calls,
      SentLog sent, String ownNumber, SplitViewCheck splitView) {
    this.splitView = splitView;
    this.calls = calls;
    this.sent = sent;
    this.ownNumber = ownNumber;
    this.store = store;
    this.groups = groups;
    this.received = new ReceivedLog(store.files());
    this.crypto = crypto;
    this.listener = listener;
    this.refillKeys = refillKeys;
    this.self = self;
  }

  /** The connection's handler for server requests: returns the status to answer with. */
  Future<Integer> onRequest(Request request) {
    switch (request.getPath()) {
      case MESSAGE_PATH -> {
        Envelope envelope;
        try {
          envelope = Envelope.parseFrom(request.getBody());
        } catch (InvalidProtocolBufferException e) {
          log.warn("{} - unreadable delivery", self);
          return Future.succeededFuture(BAD_REQUEST);
        }
        return inOrder(() -> onEnvelope(envelope));
      }
      case QUEUE_EMPTY_PATH -> {
        return inOrder(() -> {
          listener.get().onQueueEmpty();
          return Future.succeededFuture(OK);
        });
      }
      case KEYS_LOW_PATH -> {
        PreKeyCount count;
        try {
          count = PreKeyCount.parseFrom(request.getBody());
        } catch (InvalidProtocolBufferException e) {
          count = PreKeyCount.getDefaultInstance();
        }
        refillKeys.apply(count).onFailure(err -> log.warn("{} - refilling prekeys failed: {}", self, err.toString()));
        return Future.succeededFuture(OK);
      }
      default -> {
        return Future.succeededFuture(NOT_FOUND);
      }
    }
  }

  /** Decrypts and hands over the messages held for {@code number}, after the user trusted its new identity. */
  Future<Void> releaseHeld(String number) {
    List<Envelope> envelopes = held.remove(number);
    if (envelopes == null) {
      return Future.succeededFuture();
    }
    Future<?> done = Future.succeededFuture();
    for (Envelope envelope : envelopes) {
      done = done.transform(ignored -> inOrder(() -> onEnvelope(envelope)));
    }
    return done.mapEmpty();
  }

  /** Completes once the deliveries handed in so far are handled (whatever their outcome). */
  Future<?> idle() {
    return tail.transform(ignored -> Future.succeededFuture());
  }

  private Future<Integer> inOrder(Supplier<Future<Integer>> step) {
    Future<Integer> next = tail.transform(ignored -> step.get());
    tail = next;
    return next;
  }

  private Future<Integer> onEnvelope(Envelope envelope) {
    return switch (envelope.getType()) {
      case MESSAGE, CALL -> onMessage(envelope);
      case DELIVERY_RECEIPT, READ_RECEIPT -> onReceipt(envelope);
      case GROUP_EVENT -> onGroupEvent(envelope);
      default -> {
        log.debug("{} - ignoring envelope of type {}", self, envelope.getType());
        yield Future.succeededFuture(OK);
      }
    };
  }

  /**
   * Tells the application of a receipt's ids that this account sent to the receipt's sender; the
   * rest are dropped (anyone can make the server carry a receipt for any id: docs/protocol.md).
   */
  private Future<Integer> onReceipt(Envelope envelope) {
    List<MessageId> ids = new ArrayList<>();
    for (ByteString id : envelope.getReceiptMessageIdsList()) {
      if (id.size() == MessageId.LENGTH) {
        ids.add(new MessageId(id));
      }
    }
    Receipt.Kind kind = envelope.getType() == Envelope.Type.READ_RECEIPT ? Receipt.Kind.READ : Receipt.Kind.DELIVERED;
    return crypto.run(() -> sent.sentTo(ids, envelope.getSource())).map(genuine -> {
      if (genuine.size() < ids.size()) {
        log.debug("{} - dropped {} receipt ids from {} for messages not sent to it", self, ids.size() - genuine.size(),
            Redact.number(envelope.getSource()));
      }
      if (!genuine.isEmpty()) {
        listener.get().onReceipt(new Receipt(kind, envelope.getSource(), envelope.getSourceDevice(), genuine,
            envelope.getServerTimestamp()));
      }
      return OK;
    });
  }

  /** Notes departures (the next group send rotates the sender key), then tells the application. */
  private Future<Integer> onGroupEvent(Envelope envelope) {
    GroupEvent event = envelope.getGroupEvent();
    return crypto.run(() -> {
      groups.onEvent(event);
      return OK;
    }).map(ok -> {
      listener.get().onGroupEvent(event);
      return OK;
    }).otherwise(error -> {
      log.warn("{} - handling a group event failed; it stays queued: {}", self, error.toString());
      return FAILED;
    });
  }

  private Future<Integer> onMessage(Envelope envelope) {
    if (envelope.getMessageId().size() != MessageId.LENGTH) {
      log.warn("{} - delivery without a valid message id dropped", self);
      return Future.succeededFuture(OK);
    }
    MessageId id = new MessageId(envelope.getMessageId());
    return crypto.run(() -> decrypt(envelope, id)).compose(result -> switch (result) {
      case DUPLICATE, SENDER_KEY -> Future.succeededFuture(OK);
      case UNTRUSTED -> {
        held.computeIfAbsent(envelope.getSource(), n -> new ArrayList<>()).add(envelope);
        yield Future.succeededFuture(HELD);
      }
      case UNDECRYPTABLE -> {
        listener.get().onUndecryptable(envelope.getSource(), envelope.getSourceDevice(), id);
        yield Future.succeededFuture(OK);
      }
      case DECRYPTED -> handOver(envelope, id);
    }).otherwise(error -> {
      log.warn("{} - handling a delivery failed; it stays queued: {}", self, error.toString());
      return FAILED;
    });
  }

  private Future<Integer> handOver(Envelope envelope, MessageId id) {
    String source = envelope.getSource();
    return crypto.run(() -> {
          ReceivedMessage record = received.decrypted(source, id).orElseThrow();
          if (source.equals(ownNumber) && !record.getContent().getSentTo().isEmpty()) {
            // a transcript of this account's other device: its recipient's receipts come here too
            sent.record(id, List.of(record.getContent().getSentTo()));
          }
          return record;
        })
        .compose(record -> {
          if (record.getContent().hasKeyLogHead()) {
            // beside the message: a head that does not add up is an alert, never a refused message
            splitView.check(source, envelope.getSourceDevice(), record.getContent().getKeyLogHead());
          }
          if (record.getContent().hasCall()) {
            // Only as a CALL envelope: the server decides what rings and what is stored as missed.
            if (envelope.getType() == Envelope.Type.CALL) {
              calls.onSignal(record, !envelope.getEphemeral());
            }
            return Future.<Void>succeededFuture();
          }
          return listener.get().onMessage(toIncoming(record));
        })
        .compose(accepted -> crypto.run(() -> {
          received.markHandled(source, id);
          return OK;
        }));
  }

  /** SENDER_KEY: a member's group key arrived (and was stored); nothing to show. */
  private enum Decryption { DECRYPTED, DUPLICATE, UNTRUSTED, UNDECRYPTABLE, SENDER_KEY }

  /** Runs on the crypto worker. On DECRYPTED the plaintext is in the {@link ReceivedLog}. */
  private Decryption decrypt(Envelope envelope, MessageId id) throws Exception {
    String source = envelope.getSource();
    if (received.isHandled(source, id)) {
      return Decryption.DUPLICATE;
    }
    if (received.decrypted(source, id).isPresent()) {
      return Decryption.DECRYPTED;
    }
    SignalProtocolAddress address = new SignalProtocolAddress(source, envelope.getSourceDevice());
    try {
      return store.files().batch(() -> {
        SessionCipher cipher = new SessionCipher(store, address);
        byte[] ciphertext = envelope.getContent().toByteArray();
        byte[] padded = switch (envelope.getContentType()) {
          case PREKEY_MESSAGE -> cipher.decrypt(new PreKeySignalMessage(ciphertext));
          case SIGNAL_MESSAGE -> cipher.decrypt(new SignalMessage(ciphertext));
          case SENDER_KEY_MESSAGE -> groups.decrypt(source, envelope.getSourceDevice(), ciphertext);
          default -> throw new InvalidProtocolBufferException("content type " + envelope.getContentType());
        };
        Content content = ContentCodec.decode(padded);
        boolean isGroupMessage = envelope.getContentType() == ContentType.SENDER_KEY_MESSAGE;
        if (!isGroupMessage && content.hasGroupKey()) {
          groups.process(source, envelope.getSourceDevice(), content.getGroupKey());
          return Decryption.SENDER_KEY;
        }
        if (isGroupMessage && (content.hasGroupKey() || !content.getGroupId().equals(envelope.getGroupId()))) {
          // The server's group id must match the one the sender encrypted.
          throw new InvalidProtocolBufferException("group message for another group");
        }
        received.recordDecrypted(ReceivedMessage.newBuilder()
            .setGroupId(isGroupMessage ? content.getGroupId() : "")
            .setSource(source)
            .setSourceDevice(envelope.getSourceDevice())
            .setMessageId(envelope.getMessageId())
            .setClientTimestamp(envelope.getClientTimestamp())
            .setServerTimestamp(envelope.getServerTimestamp())
            .setContent(content)
            .build());
        return Decryption.DECRYPTED;
      });
    } catch (UntrustedIdentityException e) {
      log.info("{} - held a message from {}: its identity key changed", self, Redact.number(source));
      return Decryption.UNTRUSTED;
    } catch (DuplicateMessageException e) {
      return Decryption.DUPLICATE;
    } catch (Exception e) {
      if (e instanceof RuntimeException && !(e instanceof IllegalArgumentException)) {
        throw e;
      }
      log.warn("{} - cannot decrypt a {} from {}.{}: {}", self, envelope.getContentType(), Redact.number(source),
          envelope.getSourceDevice(), e.getClass().getSimpleName());
      return Decryption.UNDECRYPTABLE;
    }
  }

  private static IncomingMessage toIncoming(ReceivedMessage record) {
    Content content = record.getContent();
    return new IncomingMessage(record.getSource(), record.getSourceDevice(), new MessageId(record.getMessageId()),
        content.getText(), record.getClientTimestamp(), record.getServerTimestamp(),
        content.getSentTo().isEmpty() ? Optional.empty() : Optional.of(content.getSentTo()),
        record.getGroupId().isEmpty() ? Optional.empty() : Optional.of(record.getGroupId()),
        content.getAttachmentsList());
  }
}
