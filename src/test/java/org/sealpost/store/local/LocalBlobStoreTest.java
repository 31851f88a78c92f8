package org.sealpost.store.local;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import org.sealpost.store.BlobStore;
import org.sealpost.store.BlobStoreContract;

class LocalBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore open(Vertx vertx, Path dir, Clock clock) {
    return LocalBlobStore.open(vertx, dir, clock);
  }
}
