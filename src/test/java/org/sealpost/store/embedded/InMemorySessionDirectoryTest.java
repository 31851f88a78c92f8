package org.sealpost.store.embedded;

import io.vertx.core.Vertx;
import org.sealpost.store.SessionDirectory;
import org.sealpost.store.SessionDirectoryContract;

class InMemorySessionDirectoryTest extends SessionDirectoryContract {

  @Override
  protected SessionDirectory newDirectory(Vertx vertx) {
    return new InMemorySessionDirectory();
  }
}
