package org.sealpost.server;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sealpost.config.ClusterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code cluster.*} into a Hazelcast cluster manager and event-bus options: the XML file
 * gives the data structures (backups), the keys give the network (who to join, where to bind,
 * how fast a silent member is declared dead). Everything binds to {@code cluster.host} only.
 */
final class HazelcastSetup {
  private static final Logger log = LoggerFactory.getLogger(HazelcastSetup.class);

  private HazelcastSetup() {}

  static HazelcastClusterManager clusterManager(ClusterConfig cluster) {
    return new HazelcastClusterManager(hazelcastConfig(cluster));
  }

  static Config hazelcastConfig(ClusterConfig cluster) {
    Config config = baseConfig(cluster.hazelcastConfig());
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    // Without it Hazelcast listens on every interface, whatever the interfaces below say.
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(cluster.failureDetectionTimeout().toSeconds()));
    if (config.getProperty("hazelcast.heartbeat.interval.seconds") == null) {
      config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    }
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false).setReuseAddress(true);
    network.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
    network.getRestApiConfig().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(cluster.multicast());
    join.getTcpIpConfig().setEnabled(!cluster.memberList().isEmpty()).setMembers(cluster.memberList());
    return config;
  }

  static EventBusOptions eventBusOptions(ClusterConfig cluster) {
    return new EventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host());
  }

  private static Config baseConfig(String file) {
    if (!file.isEmpty() && Files.isReadable(Path.of(file))) {
      try {
        return new FileSystemXmlConfig(file);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("cluster.hazelcastConfig: cannot read " + file, e);
      }
    }
    if (!file.isEmpty()) {
      log.warn("cluster.hazelcastConfig {} not found: using Vert.x's built-in Hazelcast configuration", file);
    }
    return ConfigUtil.loadConfig();
  }
}
