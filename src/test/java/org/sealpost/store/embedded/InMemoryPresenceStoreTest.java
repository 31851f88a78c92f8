package org.sealpost.store.embedded;

import io.vertx.core.Vertx;
import org.sealpost.store.PresenceStore;
import org.sealpost.store.PresenceStoreContract;

class InMemoryPresenceStoreTest extends PresenceStoreContract {

  @Override
  protected PresenceStore newStore(Vertx vertx) {
    return new InMemoryPresenceStore();
  }
}
