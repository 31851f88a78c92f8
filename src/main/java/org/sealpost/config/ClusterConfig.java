package org.sealpost.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Joining a Hazelcast-clustered event bus with other nodes ({@code server --cluster}).
 *
 * @param enabled join a cluster; needs {@code store.backend: cassandra} (nodes share their stores)
 * @param name Hazelcast cluster name: nodes join only members with the same name
 * @param host the address Hazelcast and the event bus bind to and announce (loopback or a LAN address)
 * @param port Hazelcast member port on {@code host}
 * @param eventBusPort the clustered event bus's TCP port on {@code host}; 0 = any free port
 * @param members comma-separated {@code host:port} of members to join over TCP-IP (this node may be listed)
 * @param multicast discover members by multicast as well (off: only {@code members})
 * @param failureDetectionTimeout a member silent this long is declared dead and removed from the cluster
 * @param hazelcastConfig base Hazelcast XML (map backups, ...); the keys above override its network
 *     section. Missing: Vert.x's built-in default
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, int eventBusPort, String members,
    boolean multicast, Duration failureDetectionTimeout, String hazelcastConfig) {

  public ClusterConfig {
    SealpostConfig.check(name != null && !name.isBlank(), "cluster.name must not be empty");
    SealpostConfig.check(host != null && !host.isBlank(), "cluster.host must not be empty");
    SealpostConfig.check(port > 0 && port < 65536, "cluster.port must be 1..65535");
    SealpostConfig.check(eventBusPort >= 0 && eventBusPort < 65536, "cluster.eventBusPort must be 0..65535");
    members = members == null ? "" : members.trim();
    for (String member : memberList(members)) {
      SealpostConfig.check(member.matches("[^:\\s]+:\\d{1,5}"), "cluster.members must be host:port,... (got '" + member + "')");
    }
    SealpostConfig.check(failureDetectionTimeout != null && failureDetectionTimeout.toSeconds() >= 1,
        "cluster.failureDetectionTimeout must be >= 1s");
    hazelcastConfig = hazelcastConfig == null ? "" : hazelcastConfig;
  }

  public static ClusterConfig defaults() {
    return new ClusterConfig(false, "sealpost", "127.0.0.1", 5801, 0, "", false, Duration.ofSeconds(10),
        "conf/hazelcast.xml");
  }

  public ClusterConfig withEnabled(boolean value) {
    return new ClusterConfig(value, name, host, port, eventBusPort, members, multicast, failureDetectionTimeout,
        hazelcastConfig);
  }

  /** {@link #members} as a list. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public List<String> memberList() {
    return memberList(members);
  }

  private static List<String> memberList(String members) {
    return members.isEmpty() ? List.of() : Arrays.stream(members.split(",")).map(String::trim).toList();
  }
}
