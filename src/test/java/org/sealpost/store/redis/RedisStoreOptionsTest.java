package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisStoreOptionsTest {

  @Test
  void defaults() {
    RedisStoreOptions options = RedisStoreOptions.of("redis://127.0.0.1:6380");
    assertThat(options.keyPrefix()).isEqualTo("sealpost:");
    assertThat(options.sessionTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.connections()).isEqualTo(2);
  }

  @Test
  void invalidValuesNameTheirField() {
    RedisStoreOptions options = RedisStoreOptions.of("redis://127.0.0.1:6380");
    assertThatThrownBy(() -> RedisStoreOptions.of("http://127.0.0.1:6380"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionString");
    assertThatThrownBy(() -> options.withSessionTtl(Duration.ofMillis(99)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTtl");
    assertThatThrownBy(() -> options.withConnectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> options.withCommandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
    assertThatThrownBy(() -> options.withConnections(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connections");
    assertThatThrownBy(() -> options.withKeyPrefix(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
  }

  @Test
  void passwordsStayOutOfLogs() {
    RedisStoreOptions options = RedisStoreOptions.of("redis://app:s3cret@redis.internal:6380/2");
    assertThat(options.redactedConnectionString()).isEqualTo("redis://***@redis.internal:6380/2");
    assertThat(options.toString()).doesNotContain("s3cret");
    assertThat(RedisStoreOptions.of("redis://127.0.0.1:6380").redactedConnectionString())
        .isEqualTo("redis://127.0.0.1:6380");
  }
}
