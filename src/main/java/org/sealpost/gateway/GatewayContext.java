package org.sealpost.gateway;

import org.sealpost.api.ApiRoutes;
import org.sealpost.api.Authenticator;
import org.sealpost.api.ConnectionHooks;
import org.sealpost.config.GatewayConfig;
import org.sealpost.limits.ConnectionsPerAddress;
import org.sealpost.limits.NodeConnections;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.Router;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.SessionDirectory;

/**
 * What the gateway needs from the rest of the node, built once by server/ (so the per-address
 * counters and the unacked bytes budget are the node's, shared by every gateway instance).
 */
public record GatewayContext(
    GatewayConfig config,
    ApiRoutes routes,
    Authenticator authenticator,
    MessagesService messages,
    MessageQueueStore queues,
    SessionDirectory sessions,
    Router router,
    GatewayMetrics metrics,
    ConnectionsPerAddress preAuth,
    ConnectionsPerAddress httpConnections,
    NodeConnections connections,
    UnackedBytes unacked,
    ConnectionHooks hooks) {}
