package org.sealpost.config;

/**
 * @param id this node's id, unique in a cluster; empty picks a random one at start
 * @param dataDir where the embedded store and other local state live
 */
public record NodeConfig(String id, String dataDir) {
  public NodeConfig {
    id = id == null ? "" : id;
    SealpostConfig.check(dataDir != null && !dataDir.isBlank(), "node.dataDir must not be empty");
  }

  public static NodeConfig defaults() {
    return new NodeConfig("", "data");
  }

  public NodeConfig withDataDir(String value) {
    return new NodeConfig(id, value);
  }
}
