package org.sealpost.config;

import java.util.Set;

/**
 * @param id this node's id, unique in a cluster; empty picks a random one at start
 * @param dataDir where the embedded store and other local state live
 * @param eventLoopThreads Vert.x event-loop threads; 0 = two per core (Vert.x's default)
 * @param workerThreads Vert.x worker pool (blocking calls); 0 = Vert.x's default (20)
 * @param logFormat {@code text} (one line per event) or {@code json} (one JSON object per line)
 * @param transport the sockets' I/O: {@code epoll} (Linux; NIO where it is unavailable),
 *     {@code io_uring} (Linux 5.10+; NIO where unavailable) or {@code nio}
 * @param minFreeDiskBytes free space kept on dataDir's file system: below it the embedded store
 *     refuses writes (503, readiness off) until space returns; 0 = no floor
 * @param maxConnections client connections of the node (gateway TCP, HTTP, WebSocket, media)
 *     together; one more is closed as it opens; 0 = 80% of the process's file descriptor limit
 */
public record NodeConfig(String id, String dataDir, int eventLoopThreads, int workerThreads, String logFormat,
    String transport, long minFreeDiskBytes, int maxConnections) {
  public static final Set<String> LOG_FORMATS = Set.of("text", "json");
  public static final Set<String> TRANSPORTS = Set.of("epoll", "io_uring", "nio");

  public NodeConfig {
    id = id == null ? "" : id;
    SealpostConfig.check(id.matches("[A-Za-z0-9._:-]{0,64}"),
        "node.id must be up to 64 letters, digits, '.', '_', ':' or '-', got '" + id + "'");
    SealpostConfig.check(dataDir != null && !dataDir.isBlank(), "node.dataDir must not be empty");
    SealpostConfig.check(eventLoopThreads >= 0 && eventLoopThreads <= 1024,
        "node.eventLoopThreads must be 0 (default) to 1024, got " + eventLoopThreads);
    SealpostConfig.check(workerThreads >= 0 && workerThreads <= 4096,
        "node.workerThreads must be 0 (default) to 4096, got " + workerThreads);
    logFormat = logFormat == null ? "text" : logFormat;
    SealpostConfig.check(LOG_FORMATS.contains(logFormat), "node.logFormat must be text or json, got '" + logFormat + "'");
    transport = transport == null ? "epoll" : transport;
    SealpostConfig.check(TRANSPORTS.contains(transport),
        "node.transport must be epoll, io_uring or nio, got '" + transport + "'");
    SealpostConfig.check(minFreeDiskBytes >= 0, "node.minFreeDiskBytes must be >= 0 (0 = no floor)");
    SealpostConfig.check(maxConnections >= 0, "node.maxConnections must be >= 0 (0 = 80% of the descriptor limit)");
  }

  public static NodeConfig defaults() {
    return new NodeConfig("", "data", 0, 0, "text", "epoll", 128L * 1024 * 1024, 0);
  }

  public NodeConfig withDataDir(String value) {
    return new NodeConfig(id, value, eventLoopThreads, workerThreads, logFormat, transport, minFreeDiskBytes,
        maxConnections);
  }

  public NodeConfig withMinFreeDiskBytes(long value) {
    return new NodeConfig(id, dataDir, eventLoopThreads, workerThreads, logFormat, transport, value, maxConnections);
  }

  public NodeConfig withMaxConnections(int value) {
    return new NodeConfig(id, dataDir, eventLoopThreads, workerThreads, logFormat, transport, minFreeDiskBytes, value);
  }
}
