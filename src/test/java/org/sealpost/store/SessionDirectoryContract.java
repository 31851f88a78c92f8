package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.api.DeviceKey;

/** What every {@link SessionDirectory} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class SessionDirectoryContract {
  protected static final DeviceKey DEVICE = new DeviceKey("+15550001111", 1);

  protected SessionDirectory directory;

  /** A new, empty directory. */
  protected abstract SessionDirectory newDirectory(Vertx vertx) throws Exception;

  @BeforeEach
  void createDirectory(Vertx vertx) throws Exception {
    directory = newDirectory(vertx);
  }

  @Test
  void registerThenLookup() {
    assertThat(await(directory.lookup(DEVICE))).isEmpty();
    await(directory.register(DEVICE, "node-a"));
    assertThat(await(directory.lookup(DEVICE))).contains("node-a");
    assertThat(await(directory.lookup(new DeviceKey("+15550001111", 2)))).isEmpty();
  }

  @Test
  void aNewerRegistrationWins() {
    await(directory.register(DEVICE, "node-a"));
    await(directory.register(DEVICE, "node-b"));
    assertThat(await(directory.lookup(DEVICE))).contains("node-b");
  }

  @Test
  void unregisterOnlyRemovesItsOwnEntry() {
    await(directory.register(DEVICE, "node-a"));
    await(directory.register(DEVICE, "node-b"));
    await(directory.unregister(DEVICE, "node-a"));
    assertThat(await(directory.lookup(DEVICE))).contains("node-b");
    await(directory.unregister(DEVICE, "node-b"));
    assertThat(await(directory.lookup(DEVICE))).isEmpty();
  }
}
