package org.sealpost.config;

/**
 * @param backend {@code embedded}: RocksDB under node.dataDir plus in-memory presence; no services needed
 */
public record StoreConfig(String backend) {
  public StoreConfig {
    SealpostConfig.check("embedded".equals(backend), "store.backend must be one of [embedded]");
  }

  public static StoreConfig defaults() {
    return new StoreConfig("embedded");
  }
}
