package org.sealpost.client;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.sealpost.protocol.BlockList;
import org.sealpost.protocol.ContactsUploadRequest;
import org.sealpost.protocol.ContactsUploadResponse;
import org.sealpost.protocol.PresenceEvent;
import org.sealpost.protocol.PresenceSnapshot;
import org.sealpost.protocol.PresenceSubscribeRequest;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.TypingAction;
import org.sealpost.protocol.TypingEvent;
import org.sealpost.protocol.TypingRequest;

/**
 * The SDK side of presence, typing, privacy, contacts and blocking: the API calls
 * ({@code presence.proto}) and the two server pushes, {@code PUT /v1/presence} and
 * {@code PUT /v1/typing}, turned into listener callbacks.
 */
final class PresenceClient {
  static final String PRESENCE_PATH = "/v1/presence";
  static final String TYPING_PATH = "/v1/typing";
  private static final int OK = 200;
  private static final int BAD_REQUEST = 400;

  private final ServerApi api;
  private final Supplier<ClientListener> listener;

  PresenceClient(ServerApi api, Supplier<ClientListener> listener) {
    this.api = api;
    this.listener = listener;
  }

  /** Handles a presence or typing push; empty for any other request. */
  Optional<Future<Integer>> onRequest(Request request) {
    try {
      switch (request.getPath()) {
        case PRESENCE_PATH -> {
          listener.get().onPresence(presence(PresenceEvent.parseFrom(request.getBody())));
          return Optional.of(Future.succeededFuture(OK));
        }
        case TYPING_PATH -> {
          TypingEvent event = TypingEvent.parseFrom(request.getBody());
          listener.get().onTyping(new Typing(event.getSource(), event.getSourceDevice(),
              event.getGroupId().isEmpty() ? Optional.empty() : Optional.of(event.getGroupId()),
              event.getAction() == TypingAction.COMPOSING));
          return Optional.of(Future.succeededFuture(OK));
        }
        default -> {
          return Optional.empty();
        }
      }
    } catch (InvalidProtocolBufferException e) {
      return Optional.of(Future.succeededFuture(BAD_REQUEST));
    }
  }

  Future<List<Presence>> subscribe(List<String> numbers) {
    return api.call("PUT", "/v1/presence/subscriptions",
            PresenceSubscribeRequest.newBuilder().addAllNumbers(numbers).build(), PresenceSnapshot.parser())
        .map(snapshot -> snapshot.getStatesList().stream().map(PresenceClient::presence).toList());
  }

  Future<Void> unsubscribe(List<String> numbers) {
    return api.call("DELETE", "/v1/presence/subscriptions",
        PresenceSubscribeRequest.newBuilder().addAllNumbers(numbers).build(), Empty.parser()).mapEmpty();
  }

  Future<Void> typing(String to, String groupId, boolean composing) {
    TypingRequest.Builder request = TypingRequest.newBuilder()
        .setAction(composing ? TypingAction.COMPOSING : TypingAction.PAUSED);
    if (groupId != null) {
      request.setGroupId(groupId);
    } else {
      request.setDestination(to);
    }
    return api.call("PUT", "/v1/typing", request.build(), Empty.parser()).mapEmpty();
  }

  Future<PrivacySettings> privacy() {
    return api.call("GET", "/v1/privacy", Empty.getDefaultInstance(), PrivacySettings.parser());
  }

  Future<PrivacySettings> setPrivacy(PrivacySettings settings) {
    return api.call("PUT", "/v1/privacy", settings, PrivacySettings.parser());
  }

  Future<List<String>> uploadContacts(List<String> numbers) {
    return api.call("PUT", "/v1/contacts", ContactsUploadRequest.newBuilder().addAllNumbers(numbers).build(),
        ContactsUploadResponse.parser()).map(ContactsUploadResponse::getRegisteredList);
  }

  Future<Void> block(String number) {
    return api.call("PUT", "/v1/blocks/" + number, Empty.getDefaultInstance(), Empty.parser()).mapEmpty();
  }

  Future<Void> unblock(String number) {
    return api.call("DELETE", "/v1/blocks/" + number, Empty.getDefaultInstance(), Empty.parser()).mapEmpty();
  }

  Future<List<String>> blocked() {
    return api.call("GET", "/v1/blocks", Empty.getDefaultInstance(), BlockList.parser())
        .map(BlockList::getNumbersList);
  }

  private static Presence presence(PresenceEvent event) {
    return new Presence(event.getNumber(), event.getOnline(), event.getLastSeen(), event.getServerTimestamp());
  }
}
