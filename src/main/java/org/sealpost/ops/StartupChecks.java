package org.sealpost.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.sealpost.config.SealpostConfig;

/**
 * The checks of a loaded configuration that need the machine rather than the values alone (the
 * records check each value on load): directories are writable, TLS files readable, listeners
 * do not share a port, Cassandra consistency names exist. Run by {@code sealpost server} before
 * anything starts, so a bad key fails fast with a message naming it and its value.
 */
public final class StartupChecks {
  private static final Set<String> CONSISTENCY = Set.of("ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL",
      "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");
  private static final Set<String> SERIAL = Set.of("SERIAL", "LOCAL_SERIAL");

  private StartupChecks() {}

  /** Throws IllegalArgumentException naming the first bad key and its value. */
  public static void check(SealpostConfig config) {
    writableDirectory("node.dataDir", Path.of(config.node().dataDir()));
    writableDirectory("media.dir", config.media().directory(config.node()));
    var tls = config.gateway().tls();
    if (tls.enabled()) {
      readableFile("gateway.tls.certFile", tls.certFile());
      readableFile("gateway.tls.keyFile", tls.keyFile());
    }
    Map<Integer, String> ports = new HashMap<>();
    if (config.gateway().plaintext()) {
      port(ports, "gateway.tcpPort", config.gateway().tcpPort());
      port(ports, "gateway.httpPort", config.gateway().httpPort());
    }
    if (tls.enabled()) {
      port(ports, "gateway.tls.tcpPort", tls.tcpPort());
      port(ports, "gateway.tls.httpPort", tls.httpPort());
    }
    port(ports, "media.port", config.media().port());
    if (config.metrics().ownPort()) {
      port(ports, "metrics.port", config.metrics().port());
    }
    consoleProviderOnLoopback(config);
    if (!config.store().isEmbedded()) {
      var cassandra = config.store().cassandra();
      oneOf("store.cassandra.consistency", cassandra.consistency(), CONSISTENCY);
      oneOf("store.cassandra.serialConsistency", cassandra.serialConsistency(), SERIAL);
    }
  }

  /**
   * The console provider writes full numbers and their codes to the log: anyone who reads the log
   * could take over accounts. Fine on a developer's machine; elsewhere only when the operator says so.
   */
  private static void consoleProviderOnLoopback(SealpostConfig config) {
    var accounts = config.accounts();
    String host = config.gateway().host();
    if (accounts.verificationProvider().equals("console") && !accounts.allowConsoleProviderOffLoopback()
        && !isLoopback(host)) {
      throw new IllegalArgumentException("accounts.verificationProvider: console writes full numbers and their"
          + " verification codes to the log, and gateway.host " + host + " is not a loopback address; set"
          + " accounts.allowConsoleProviderOffLoopback: true to run it there anyway");
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static void writableDirectory(String key, Path dir) {
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      fail(key, dir, "is not a directory (or under a file)");
    }
    if (!Files.isWritable(existing)) {
      fail(key, dir, "is not writable by this user (" + existing + ")");
    }
  }

  private static void readableFile(String key, String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      fail(key, file, "is not a readable file");
    }
  }

  private static void port(Map<Integer, String> taken, String key, int port) {
    if (port == 0) {
      return; // any free port
    }
    String other = taken.putIfAbsent(port, key);
    if (other != null) {
      fail(key, port, "is also " + other);
    }
  }

  private static void oneOf(String key, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      fail(key, value, "must be one of " + new java.util.TreeSet<>(allowed));
    }
  }

  private static void fail(String key, Object value, String problem) {
    throw new IllegalArgumentException(key + ": '" + value + "' " + problem);
  }
}
