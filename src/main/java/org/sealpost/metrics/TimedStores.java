package org.sealpost.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.store.Stores;

/**
 * Store latency per operation ({@code sealpost_store_latency_seconds{store,op,outcome}}) for every
 * backend at once: each store interface is wrapped in a proxy that times the futures its methods
 * return, so no store class needs to know about metrics.
 */
public final class TimedStores {
  private TimedStores() {}

  public static Stores wrap(Stores stores, MeterRegistry registry) {
    return new Stores(
        timed(stores.accounts(), org.sealpost.store.AccountStore.class, registry),
        timed(stores.codes(), org.sealpost.store.CodeStore.class, registry),
        timed(stores.messages(), org.sealpost.store.MessageQueueStore.class, registry),
        timed(stores.preKeys(), org.sealpost.store.PreKeyStore.class, registry),
        timed(stores.rateLimits(), org.sealpost.store.RateLimitStore.class, registry),
        timed(stores.sessions(), org.sealpost.store.SessionDirectory.class, registry),
        timed(stores.privacy(), org.sealpost.store.PrivacyStore.class, registry),
        timed(stores.presence(), org.sealpost.store.PresenceStore.class, registry),
        timed(stores.groups(), org.sealpost.store.GroupStore.class, registry),
        timed(stores.pushTokens(), org.sealpost.store.PushTokenStore.class, registry),
        timed(stores.keyLog(), org.sealpost.store.KeyLogStore.class, registry),
        stores.resources());
  }

  static <T> T timed(T target, Class<T> type, MeterRegistry registry) {
    if (target == null) {
      return null;
    }
    String store = type.getSimpleName();
    Map<String, Timer> timers = new ConcurrentHashMap<>();
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> store + "(timed " + target + ")";
        };
      }
      long start = System.nanoTime();
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof Future<?> future) {
        future.onComplete(ar -> timers.computeIfAbsent(method.getName() + (ar.succeeded() ? "" : "!"),
                k -> Timer.builder("sealpost.store.latency")
                    .description("Store call latency by store interface and operation")
                    .tags("store", store, "op", method.getName(), "outcome", ar.succeeded() ? "ok" : "error")
                    .publishPercentileHistogram(false)
                    .register(registry))
            .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
      }
      return result;
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
