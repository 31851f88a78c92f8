package org.sealpost.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.sealpost.accounts.AccountsService;
import org.sealpost.accounts.ConsoleVerificationSender;
import org.sealpost.accounts.RegistrationRoutes;
import org.sealpost.api.ApiRoutes;
import org.sealpost.api.Route;
import org.sealpost.calls.CallRoutes;
import org.sealpost.calls.TurnCredentialsService;
import org.sealpost.config.SealpostConfig;
import org.sealpost.gateway.GatewayRoutes;
import org.sealpost.groups.GroupRoutes;
import org.sealpost.groups.GroupsService;
import org.sealpost.keys.KeyRoutes;
import org.sealpost.keys.KeysService;
import org.sealpost.lifecycle.AccountDeletion;
import org.sealpost.lifecycle.AccountExporter;
import org.sealpost.lifecycle.AccountRoutes;
import org.sealpost.limits.RateLimiters;
import org.sealpost.media.MediaRoutes;
import org.sealpost.media.MediaService;
import org.sealpost.metrics.RouteMetrics;
import org.sealpost.presence.PresenceRoutes;
import org.sealpost.presence.PresenceService;
import org.sealpost.presence.TypingService;
import org.sealpost.privacy.PrivacyRoutes;
import org.sealpost.privacy.PrivacyService;
import org.sealpost.push.PushRoutes;
import org.sealpost.push.PushTokens;
import org.sealpost.routing.LocalDevices;
import org.sealpost.routing.MessageRoutes;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.Router;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.Stores;
import org.sealpost.store.local.LocalBlobStore;
import org.sealpost.transparency.KeyLog;
import org.sealpost.transparency.KeyLogRoutes;
import org.sealpost.transparency.LoggedPreKeyStore;

/**
 * One node's services, each wired to the stores and to the services it uses, and the table of the
 * routes every feature offers. The verticles and the gateway take what they need from here.
 *
 * @param routes every feature's routes, timed ({@link RouteMetrics})
 */
record Features(Router router, AccountsService accounts, MessagesService messages, PresenceService presence,
    MediaService media, AccountDeletion deletion, ApiRoutes routes) {
  /** How long a call to a device on another node may take before it counts as failed. */
  private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(5);

  static Features wire(Vertx vertx, String nodeId, SealpostConfig config, Stores stores, KeyLog keyLog,
      LocalBlobStore blobs, MeterRegistry registry, Clock clock, IntSupplier mediaPort) {
    // Every service that gives or takes a device's keys goes through the key log.
    PreKeyStore preKeys = new LoggedPreKeyStore(stores.preKeys(), keyLog);
    RateLimiters limits = new RateLimiters(stores.rateLimits(), config.limits());
    Router router = new Router(vertx, nodeId, stores.sessions(), new LocalDevices(), REMOTE_TIMEOUT);
    AccountsService accounts = new AccountsService(config.accounts(), stores.accounts(), stores.codes(),
        stores.messages(), preKeys, stores.privacy(), stores.pushTokens(), limits,
        new ConsoleVerificationSender(), router, clock, new SecureRandom());
    PrivacyService privacy = new PrivacyService(stores.privacy(), stores.accounts(), limits);
    MessagesService messages = new MessagesService(config.messages(), stores.accounts(), stores.messages(),
        limits, router, clock, privacy);
    KeysService keys = new KeysService(vertx, stores.accounts(), preKeys, limits, router, keyLog);
    PresenceService presence = new PresenceService(stores.presence(), privacy, stores.privacy(),
        stores.accounts(), stores.sessions(), limits, router, clock, registry);
    GroupsService groups = new GroupsService(config.messages(), stores.accounts(), stores.groups(),
        stores.messages(), limits, router, clock, new SecureRandom(), privacy);
    TypingService typing = new TypingService(stores.accounts(), privacy, groups, limits, router, clock);
    MediaService media = new MediaService(config.media(), blobs, accounts, limits, clock, new SecureRandom());
    AccountDeletion.Holdings holdings = new AccountDeletion.Holdings(stores.messages(), preKeys,
        stores.privacy(), stores.pushTokens(), stores.presence(), stores.groups(), blobs);
    AccountDeletion deletion = new AccountDeletion(accounts, stores.accounts(), holdings, groups, router, limits, clock);
    List<Route> routes = new ArrayList<>();
    routes.addAll(GatewayRoutes.of());
    routes.addAll(RegistrationRoutes.of(accounts));
    routes.addAll(MessageRoutes.of(messages));
    routes.addAll(KeyRoutes.of(keys));
    routes.addAll(KeyLogRoutes.of(keyLog, keys::loggedKeys));
    routes.addAll(AccountRoutes.of(deletion, new AccountExporter(accounts, holdings, limits, clock)));
    routes.addAll(PresenceRoutes.of(presence, typing));
    routes.addAll(PrivacyRoutes.of(privacy));
    routes.addAll(GroupRoutes.of(groups));
    routes.addAll(MediaRoutes.of(media, mediaPort));
    routes.addAll(PushRoutes.of(new PushTokens(config.push(), stores.pushTokens())));
    routes.addAll(CallRoutes.of(new TurnCredentialsService(config.turn(), clock)));
    return new Features(router, accounts, messages, presence, media, deletion,
        new ApiRoutes(RouteMetrics.timed(routes, registry)));
  }
}
