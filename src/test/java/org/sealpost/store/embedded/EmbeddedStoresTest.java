package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import com.google.protobuf.ByteString;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.Stores;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.CodeRecord;

@ExtendWith(VertxExtension.class)
class EmbeddedStoresTest {
  private static final String NUMBER = "+15550001111";
  private static final DeviceKey DEVICE = new DeviceKey(NUMBER, 1);

  @TempDir Path dataDir;

  @Test
  void everythingDurableSurvivesCloseAndReopen(Vertx vertx) {
    Stores stores = EmbeddedStores.open(vertx, dataDir, Clock.systemUTC(), 0);
    AccountRecord account = AccountRecord.newBuilder().setNumber(NUMBER).setCreated(1).build();
    CodeRecord code =
        CodeRecord.newBuilder().setCode("123456").setExpiresAt(Long.MAX_VALUE).build();
    Envelope envelope =
        Envelope.newBuilder()
            .setDestination(NUMBER)
            .setDestinationDevice(1)
            .setContent(ByteString.copyFromUtf8("hello"))
            .build();
    await(stores.accounts().create(account));
    await(stores.codes().put("k", code));
    List<Envelope> stored = await(stores.messages().append(List.of(envelope)));
    await(stores.sessions().register(DEVICE, "node"));
    assertThat(await(stores.rateLimits().take("k", 1, Duration.ofMinutes(1), 1))).isZero();
    await(stores.close(vertx));

    Stores reopened = EmbeddedStores.open(vertx, dataDir, Clock.systemUTC(), 0);
    try {
      assertThat(await(reopened.accounts().get(NUMBER))).contains(account);
      assertThat(await(reopened.codes().get("k"))).contains(code);
      assertThat(await(reopened.messages().read(DEVICE, 0, 10))).isEqualTo(stored);
      assertThat(dataDir.resolve(EmbeddedStores.DATABASE_DIRECTORY)).isDirectory();
    } finally {
      await(reopened.close(vertx));
    }
  }
}
