package org.sealpost.config;

import java.util.Map;
import java.util.Objects;
import org.sealpost.limits.RateLimitConfig;

/**
 * The whole configuration of a node, loaded once from {@code conf/sealpost.yaml} (and
 * environment overrides) by {@link ConfigLoader}. Each verticle gets its own sub-record.
 */
public record SealpostConfig(
    NodeConfig node,
    GatewayConfig gateway,
    AccountsConfig accounts,
    MessagesConfig messages,
    StoreConfig store,
    MetricsConfig metrics,
    ClusterConfig cluster,
    MediaConfig media,
    PushConfig push,
    TurnConfig turn,
    Map<String, RateLimitConfig> limits) {

  public SealpostConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(messages, "messages");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(metrics, "metrics");
    cluster = cluster == null ? ClusterConfig.defaults() : cluster;
    check(!cluster.enabled() || !store.isEmbedded(), "cluster.enabled needs store.backend: cassandra"
        + " (the nodes of a cluster share their accounts, keys and queues; the embedded store is one node's own)");
    Objects.requireNonNull(media, "media");
    push = push == null ? PushConfig.defaults() : push;
    turn = turn == null ? TurnConfig.defaults() : turn;
    limits = limits == null ? Map.of() : Map.copyOf(limits);
  }

  public static SealpostConfig defaults() {
    return new SealpostConfig(NodeConfig.defaults(), GatewayConfig.defaults(), AccountsConfig.defaults(),
        MessagesConfig.defaults(), StoreConfig.defaults(), MetricsConfig.defaults(), ClusterConfig.defaults(),
        MediaConfig.defaults(), PushConfig.defaults(), TurnConfig.defaults(), Map.of());
  }

  public SealpostConfig withNode(NodeConfig value) {
    return new SealpostConfig(value, gateway, accounts, messages, store, metrics, cluster, media, push, turn, limits);
  }

  public SealpostConfig withGateway(GatewayConfig value) {
    return new SealpostConfig(node, value, accounts, messages, store, metrics, cluster, media, push, turn, limits);
  }

  public SealpostConfig withAccounts(AccountsConfig value) {
    return new SealpostConfig(node, gateway, value, messages, store, metrics, cluster, media, push, turn, limits);
  }

  public SealpostConfig withMessages(MessagesConfig value) {
    return new SealpostConfig(node, gateway, accounts, value, store, metrics, cluster, media, push, turn, limits);
  }

  public SealpostConfig withStore(StoreConfig value) {
    return new SealpostConfig(node, gateway, accounts, messages, value, metrics, cluster, media, push, turn, limits);
  }

  public SealpostConfig withMetrics(MetricsConfig value) {
    return new SealpostConfig(node, gateway, accounts, messages, store, value, cluster, media, push, turn, limits);
  }

  public SealpostConfig withCluster(ClusterConfig value) {
    return new SealpostConfig(node, gateway, accounts, messages, store, metrics, value, media, push, turn, limits);
  }

  public SealpostConfig withMedia(MediaConfig value) {
    return new SealpostConfig(node, gateway, accounts, messages, store, metrics, cluster, value, push, turn, limits);
  }

  public SealpostConfig withPush(PushConfig value) {
    return new SealpostConfig(node, gateway, accounts, messages, store, metrics, cluster, media, value, turn, limits);
  }

  public SealpostConfig withTurn(TurnConfig value) {
    return new SealpostConfig(node, gateway, accounts, messages, store, metrics, cluster, media, push, value, limits);
  }

  public SealpostConfig withLimits(Map<String, RateLimitConfig> value) {
    return new SealpostConfig(node, gateway, accounts, messages, store, metrics, cluster, media, push, turn, value);
  }

  static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
