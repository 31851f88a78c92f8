package org.sealpost.presence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sealpost.api.ConnectionHooks;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.privacy.PrivacyService;
import org.sealpost.protocol.PresenceEvent;
import org.sealpost.protocol.PresenceSnapshot;
import org.sealpost.protocol.PresenceSubscribeRequest;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.PresenceStore.PresenceState;
import org.sealpost.store.PresenceStore;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.SessionDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online, last seen and subscriptions. The gateway tells it when a device's connection opens and
 * closes ({@link ConnectionHooks}); the account goes online with its first connected device and
 * offline, with a last seen, when its last one leaves (the {@link PresenceStore} counts devices
 * across nodes). Each transition is sent at once to the devices subscribed to the account, each
 * getting only what the account's privacy settings let it see, through the {@link Router} like
 * any device event: to a connection on this node or another node's inbox, never queued or pushed.
 * A subscriber that turns out not to be connected anywhere loses its subscription.
 *
 * <p>Subscriptions belong to a connection: made over it, dropped when it closes.
 */
public final class PresenceService implements ConnectionHooks {
  private static final Logger log = LoggerFactory.getLogger(PresenceService.class);
  /** Numbers in one subscribe request. */
  static final int MAX_SUBSCRIBE = 1000;

  private final PresenceStore store;
  private final PrivacyService privacy;
  private final PrivacyStore privacyStore;
  private final AccountStore accounts;
  private final SessionDirectory sessions;
  private final RateLimiters limits;
  private final Router router;
  private final Clock clock;
  /** Presence changes announced: every subscriber was sent what it may see of the change. */
  private final Counter announced;

  public PresenceService(PresenceStore store, PrivacyService privacy, PrivacyStore privacyStore, AccountStore accounts,
      SessionDirectory sessions, RateLimiters limits, Router router, Clock clock, MeterRegistry registry) {
    this.store = store;
    this.privacy = privacy;
    this.privacyStore = privacyStore;
    this.accounts = accounts;
    this.sessions = sessions;
    this.limits = limits;
    this.router = router;
    this.clock = clock;
    this.announced = Counter.builder("sealpost.presence.announced")
        .description("presence changes announced to their subscribers").register(registry);
  }

  // ------------------------------------------------------------------ connections

  @Override
  public Future<Void> opened(DeviceKey device) {
    // A new connection starts without subscriptions (a dead node's may linger in shared stores).
    return Future.join(store.unsubscribeAll(device), store.connected(device)
        .map(count -> {
          if (count == 1) {
            announce(device.number(), new PresenceState(true, 0));
          }
          return null;
        }))
        .mapEmpty();
  }

  /**
   * When the account's last device leaves, announces it offline with the last seen the store
   * kept: the latest of its devices' leaving times, which is not this device's when another one
   * left a moment later but reached the store first. When the account is gone (its deletion
   * closed the connection, maybe after its presence was forgotten), it forgets the account's
   * presence again instead: a deleted account has no last seen.
   */
  @Override
  public Future<Void> closed(DeviceKey device) {
    long now = clock.millis();
    return Future.join(store.unsubscribeAll(device), store.disconnected(device, now)
        .compose(left -> left == 0 ? lastSeenUnlessDeleted(device) : Future.succeededFuture((PresenceState) null))
        .map(state -> {
          if (state != null && !state.online()) {
            announce(device.number(), new PresenceState(false, Math.max(now, state.lastSeen())));
          }
          return null;
        }))
        .mapEmpty();
  }

  /** The account's presence now; null (and the presence forgotten) when the account is gone. */
  private Future<PresenceState> lastSeenUnlessDeleted(DeviceKey device) {
    return accounts.get(device.number()).compose(account -> account.isPresent()
        ? store.get(device.number())
        : store.forget(device.number(), List.of(device)).map((PresenceState) null));
  }

  /** Sends the change to every subscriber allowed to see it; failures are logged, nothing waits. */
  private void announce(String number, PresenceState state) {
    long now = clock.millis();
    Future<Set<DeviceKey>> subscribers = store.subscribers(number);
    Future<Audience> audience = Audience.load(number, privacy, privacyStore);
    Future.all(subscribers, audience)
        .onSuccess(both -> {
          for (DeviceKey subscriber : subscribers.result()) {
            Optional<PresenceEvent> view = audience.result().view(subscriber.number(), state, now, false);
            view.ifPresent(event -> deliver(subscriber, number, event));
          }
          announced.increment();
        })
        .onFailure(err -> log.warn("presence change of an account was not announced: {}", err.getMessage()));
  }

  private void deliver(DeviceKey subscriber, String number, PresenceEvent event) {
    router.send(subscriber, DeviceEvent.newBuilder().setPresence(event).build())
        .compose(delivered -> delivered ? Future.<Void>succeededFuture() : store.unsubscribe(subscriber, List.of(number)))
        .onFailure(err -> log.debug("{} - presence event not delivered: {}", subscriber, err.getMessage()));
  }

  // ------------------------------------------------------------------ subscriptions

  /**
   * Subscribes the device's connection to the numbers and answers their current state (only
   * those it may see; unknown numbers never appear). Numbers outside the subscriber's uploaded
   * contacts take a permit each of {@link Limit#CONTACT_DISCOVERY_PER_ACCOUNT}, since the answer
   * says whether a number is registered.
   */
  public Future<PresenceSnapshot> subscribe(DeviceKey subscriber, PresenceSubscribeRequest request) {
    if (request.getNumbersCount() > MAX_SUBSCRIBE) {
      return Future.failedFuture(SealpostException.badRequest("at most " + MAX_SUBSCRIBE + " numbers per request"));
    }
    Set<String> numbers = new LinkedHashSet<>();
    for (String number : request.getNumbersList()) {
      numbers.add(PhoneNumbers.require(number, "numbers"));
    }
    return sessions.lookup(subscriber)
        .compose(node -> node.isPresent() ? Future.succeededFuture()
            : Future.failedFuture(SealpostException.badRequest("presence subscriptions need a frame connection")))
        .compose(v -> privacyStore.contacts(subscriber.number()))
        .compose(contacts -> {
          Set<String> known = new HashSet<>(contacts);
          known.add(subscriber.number());
          int fresh = (int) numbers.stream().filter(n -> !known.contains(n)).count();
          return limits.check(Limit.CONTACT_DISCOVERY_PER_ACCOUNT, subscriber.number(), fresh);
        })
        .compose(v -> store.subscribe(subscriber, numbers))
        .compose(v -> snapshot(subscriber.number(), new ArrayList<>(numbers)));
  }

  public Future<Void> unsubscribe(DeviceKey subscriber, PresenceSubscribeRequest request) {
    return store.unsubscribe(subscriber, request.getNumbersList());
  }

  private Future<PresenceSnapshot> snapshot(String viewer, List<String> numbers) {
    long now = clock.millis();
    List<Future<Optional<PresenceEvent>>> views = new ArrayList<>();
    for (String number : numbers) {
      views.add(accounts.get(number).compose(account -> account.isEmpty()
          ? Future.succeededFuture(Optional.<PresenceEvent>empty())
          : Future.all(store.get(number), Audience.load(number, privacy, privacyStore)).map(both ->
              both.<Audience>resultAt(1).view(viewer, both.<PresenceState>resultAt(0), now, true))));
    }
    return Future.all(views).map(all -> {
      PresenceSnapshot.Builder snapshot = PresenceSnapshot.newBuilder();
      views.forEach(view -> view.result().ifPresent(snapshot::addStates));
      return snapshot.build();
    });
  }
}
