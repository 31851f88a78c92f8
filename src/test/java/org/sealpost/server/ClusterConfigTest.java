package org.sealpost.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import org.sealpost.config.ClusterConfig;
import org.sealpost.config.ConfigLoader;
import org.sealpost.config.SealpostConfig;
import picocli.CommandLine;

/** cluster.* reaches Hazelcast as configured, and a cluster is refused where it cannot work. */
class ClusterConfigTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void clusterKeysBecomeTheHazelcastNetworkAndTheShippedFileGivesTheBackups() {
    SealpostConfig config = loader.load(null, Map.of(
        "SEALPOST_STORE_BACKEND", "cassandra",
        "SEALPOST_CLUSTER_ENABLED", "true",
        "SEALPOST_CLUSTER_NAME", "east",
        "SEALPOST_CLUSTER_PORT", "5871",
        "SEALPOST_CLUSTER_MEMBERS", "127.0.0.1:5871, 127.0.0.1:5872",
        "SEALPOST_CLUSTER_FAILURE_DETECTION_TIMEOUT", "7s"));

    Config hazelcast = HazelcastSetup.hazelcastConfig(config.cluster());

    assertThat(hazelcast.getClusterName()).isEqualTo("east");
    assertThat(hazelcast.getNetworkConfig().getPort()).isEqualTo(5871);
    assertThat(hazelcast.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(hazelcast.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(hazelcast.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hazelcast.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1:5871", "127.0.0.1:5872");
    assertThat(hazelcast.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("7");
    assertThat(hazelcast.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
    assertThat(hazelcast.getMapConfig("__vertx.haInfo").getBackupCount()).isEqualTo(1);
    assertThat(hazelcast.getMapConfig("__vertx.nodeInfo").getBackupCount()).isEqualTo(1);
    assertThat(HazelcastSetup.eventBusOptions(config.cluster()).getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void aClusterOnTheEmbeddedStoreIsRefusedNamingTheKeys() {
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_CLUSTER_ENABLED", "true")))
        .hasMessageContaining("cluster.enabled needs store.backend: cassandra");
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_STORE_BACKEND", "cassandra",
        "SEALPOST_CLUSTER_MEMBERS", "127.0.0.1")))
        .hasMessageContaining("cluster.members");
    assertThat(ClusterConfig.defaults().enabled()).isFalse();
  }

  @Test
  void serverDashDashClusterOnTheEmbeddedStoreExitsWithTheReason(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("sealpost.yaml");
    Files.writeString(config, "node:\n  dataDir: " + dir.resolve("data") + "\n");
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new Main()).execute("server", "--cluster", "--config", config.toString());
    } finally {
      System.setErr(original);
    }

    assertThat(exit).isEqualTo(2);
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("cluster.enabled needs store.backend: cassandra");
    assertThat(dir.resolve("data")).doesNotExist();
  }
}
