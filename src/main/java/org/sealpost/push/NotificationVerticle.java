package org.sealpost.push;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.sealpost.api.DeviceKey;
import org.sealpost.bus.Addresses;
import org.sealpost.bus.proto.PushRequest;
import org.sealpost.config.PushConfig;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import org.sealpost.store.PushTokenStore;
import org.sealpost.store.SessionDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns "queued for an unconnected device" events ({@link Addresses#PUSH_NOTIFY}) into wake-ups.
 *
 * <p>Per device at most one wake-up is in flight, and one is sent at most every {@code
 * push.minInterval}: requests meanwhile are folded into one trailing wake-up at the end of the
 * interval, which is dropped if the device has connected by then (the first one did its job).
 * Transient failures (429, 5xx, network) are retried with exponential backoff up to {@code
 * push.maxAttempts}; a token the provider calls dead is removed (unless the device has
 * registered another meanwhile). Runs as a single instance: the state is this verticle's own.
 */
public final class NotificationVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NotificationVerticle.class);

  private final PushConfig config;
  private final PushTokenStore tokens;
  private final SessionDirectory sessions;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<PushType, PushProvider> providers = new EnumMap<>(PushType.class);
  private final Map<DeviceKey, DeviceState> devices = new HashMap<>();

  /** A device's wake-up state; gone once nothing is in flight, scheduled or within the interval. */
  private static final class DeviceState {
    boolean busy;
    boolean folded;
    long timer = -1;
  }

  public NotificationVerticle(PushConfig config, PushTokenStore tokens, SessionDirectory sessions,
      MeterRegistry registry, Clock clock) {
    this.config = config;
    this.tokens = tokens;
    this.sessions = sessions;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    Future<Void> apns = !config.apns().enabled() ? Future.succeededFuture()
        : vertx.fileSystem().readFile(config.apns().privateKeyFile()).map(pem -> {
          providers.put(PushType.APNS, new ApnsProvider(ProviderClients.create(vertx, config, true), config,
              Jwt.pkcs8(pem.toString(), "EC"), clock));
          return null;
        });
    Future<Void> fcm = !config.fcm().enabled() ? Future.succeededFuture()
        : vertx.fileSystem().readFile(config.fcm().serviceAccountFile()).map(json -> {
          providers.put(PushType.FCM, new FcmProvider(ProviderClients.create(vertx, config, true), config,
              FcmProvider.ServiceAccount.parse(new JsonObject(json), config.fcm().tokenUri()), clock));
          return null;
        });
    if (config.webhook().enabled()) {
      providers.put(PushType.WEBHOOK, new WebhookProvider(ProviderClients.create(vertx, config, false), config));
    }
    return Future.all(apns, fcm)
        .compose(ready -> vertx.eventBus().<PushRequest>localConsumer(Addresses.PUSH_NOTIFY,
            msg -> requested(new DeviceKey(msg.body().getNumber(), msg.body().getDeviceId()))).completion())
        .onSuccess(v -> log.info("push providers: {}", providers.isEmpty() ? "none" : providers.keySet()));
  }

  private void requested(DeviceKey device) {
    count("requested", "none");
    DeviceState state = devices.computeIfAbsent(device, d -> new DeviceState());
    if (state.busy || state.timer >= 0) {
      state.folded = true;
      count("folded", "none");
      return;
    }
    wake(device, state);
  }

  /** The interval after a wake-up ended with requests folded: wake again unless the device came. */
  private void trailing(DeviceKey device, DeviceState state) {
    state.folded = false;
    state.busy = true;
    sessions.lookup(device).onComplete(ar -> {
      if (ar.succeeded() && ar.result().isPresent()) {
        count("connected", "none");
        done(device, state, false);
        return;
      }
      wake(device, state);
    });
  }

  private void wake(DeviceKey device, DeviceState state) {
    state.busy = true;
    state.folded = false;
    tokens.get(device).onComplete(found -> {
      if (found.failed() || found.result().isEmpty()) {
        if (found.failed()) {
          log.warn("push to {}: token lookup failed: {}", device, found.cause().getMessage());
        }
        count("no_token", "none");
        done(device, state, false);
        return;
      }
      PushToken token = found.result().get();
      PushProvider provider = providers.get(token.getType());
      if (provider == null) {
        count("disabled", token.getType().name().toLowerCase());
        done(device, state, false);
        return;
      }
      attempt(device, state, provider, token, 1);
    });
  }

  private void attempt(DeviceKey device, DeviceState state, PushProvider provider, PushToken token, int attempt) {
    provider.send(token)
        .recover(err -> Future.succeededFuture(PushOutcome.retry(String.valueOf(err.getMessage()), null)))
        .onSuccess(outcome -> {
          count(outcome.result().name().toLowerCase(), provider.name());
          switch (outcome.result()) {
            case DELIVERED -> done(device, state, true);
            case UNREGISTERED -> {
              log.info("push to {}: {} token unregistered ({}): removing it", device, provider.name(), outcome.reason());
              tokens.removeIfCurrent(device, token).onComplete(ar -> done(device, state, false));
            }
            case RETRY -> {
              if (attempt >= config.maxAttempts()) {
                log.warn("push to {}: {} gave up after {} attempts ({})", device, provider.name(), attempt, outcome.reason());
                count("gave_up", provider.name());
                done(device, state, true);
                return;
              }
              long delay = config.backoff().toMillis() << Math.min(attempt - 1, 20);
              Duration retryAfter = outcome.retryAfter();
              if (retryAfter != null) {
                delay = Math.max(delay, retryAfter.toMillis());
              }
              vertx.setTimer(delay, id -> attempt(device, state, provider, token, attempt + 1));
            }
            case FAILED -> {
              log.warn("push to {}: {} refused: {}", device, provider.name(), outcome.reason());
              done(device, state, true);
            }
          }
        });
  }

  /**
   * The wake-up ended. After one was sent the device's state stays for the interval, so requests
   * meanwhile are folded; at its end a folded request becomes the trailing wake-up.
   */
  private void done(DeviceKey device, DeviceState state, boolean sent) {
    state.busy = false;
    if (!sent) {
      devices.remove(device);
      return;
    }
    state.timer = vertx.setTimer(Math.max(1, config.minInterval().toMillis()), id -> {
      state.timer = -1;
      if (state.folded) {
        trailing(device, state);
      } else {
        devices.remove(device);
      }
    });
  }

  private void count(String result, String provider) {
    registry.counter("sealpost.push", "result", result, "provider", provider).increment();
  }
}
