package org.sealpost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.limits.Limit;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void shippedConfigFileStatesTheDefaults() {
    SealpostConfig fromFile = loader.load(Path.of("conf", "sealpost.yaml"), Map.of());
    SealpostConfig defaults = loader.load(null, Map.of());

    assertThat(fromFile).isEqualTo(defaults);
    assertThat(defaults.gateway()).isEqualTo(GatewayConfig.defaults());
    assertThat(defaults.limits()).containsEntry(Limit.MESSAGES_PER_DEVICE.id(), Limit.MESSAGES_PER_DEVICE.defaults());
  }

  @Test
  void environmentOverridesAnyKey() {
    SealpostConfig config = loader.load(null, Map.of(
        "SEALPOST_GATEWAY_MAX_FRAME_BYTES", "256KiB",
        "SEALPOST_GATEWAY_IDLE_TIMEOUT", "2m",
        "SEALPOST_NODE_DATA_DIR", "/var/lib/sealpost",
        "SEALPOST_LIMITS_MESSAGES_PER_DEVICE_BUCKET_SIZE", "10",
        "SEALPOST_ACCOUNTS_TEST_NUMBERS", "{\"+15550000001\": \"123456\"}"));

    assertThat(config.gateway().maxFrameBytes()).isEqualTo(256 * 1024);
    assertThat(config.gateway().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.node().dataDir()).isEqualTo("/var/lib/sealpost");
    assertThat(config.limits().get("messagesPerDevice").bucketSize()).isEqualTo(10);
    assertThat(config.accounts().testNumbers()).containsEntry("+15550000001", "123456");
  }

  @Test
  void fileValuesOverrideDefaultsAndEnvironmentOverridesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, "gateway:\n  tcpPort: 7000\n  httpPort: 7001\n");

    SealpostConfig config = loader.load(file, Map.of("SEALPOST_GATEWAY_HTTP_PORT", "7002"));

    assertThat(config.gateway().tcpPort()).isEqualTo(7000);
    assertThat(config.gateway().httpPort()).isEqualTo(7002);
    assertThat(config.gateway().maxFrameBytes()).isEqualTo(128 * 1024);
  }

  @Test
  void badValuesAndUnknownKeysNameTheKey(@TempDir Path dir) throws IOException {
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "gateway:\n  tcpPrt: 7000\n");
    Path negative = dir.resolve("negative.yaml");
    Files.writeString(negative, "gateway:\n  maxFrameBytes: 10\n");

    assertThatThrownBy(() -> loader.load(unknown, Map.of())).hasMessageContaining("gateway.tcpPrt");
    assertThatThrownBy(() -> loader.load(negative, Map.of())).hasMessageContaining("gateway.maxFrameBytes");
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_GATEWAY_IDLE_TIMEOUT", "soon")))
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_MESSAGES_MAX_CONTENT_BYTES", "lots")))
        .hasMessageContaining("messages.maxContentBytes");
  }

  @Test
  void everyKeyHasAnEnvironmentName() {
    assertThat(loader.environmentNames())
        .containsEntry("SEALPOST_GATEWAY_TCP_PORT", "gateway.tcpPort")
        .containsEntry("SEALPOST_ACCOUNTS_TEST_NUMBERS", "accounts.testNumbers")
        .containsEntry("SEALPOST_LIMITS_AUTH_FAILURE_PER_IP_REGENERATE_EVERY", "limits.authFailurePerIp.regenerateEvery");
  }
}
