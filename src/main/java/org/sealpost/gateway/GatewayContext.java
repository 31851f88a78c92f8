package org.sealpost.gateway;

import org.sealpost.accounts.AccountsService;
import org.sealpost.config.GatewayConfig;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.Router;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.SessionDirectory;

/** What the gateway needs from the rest of the node, built once by server/. */
public record GatewayContext(
    GatewayConfig config,
    ApiRoutes routes,
    AccountsService accounts,
    MessagesService messages,
    MessageQueueStore queues,
    SessionDirectory sessions,
    Router router,
    GatewayMetrics metrics,
    ConnectionHooks hooks) {

  /** Without connection hooks (nothing else needs to know about connections). */
  public GatewayContext(GatewayConfig config, ApiRoutes routes, AccountsService accounts, MessagesService messages,
      MessageQueueStore queues, SessionDirectory sessions, Router router, GatewayMetrics metrics) {
    this(config, routes, accounts, messages, queues, sessions, router, metrics, ConnectionHooks.NONE);
  }
}
