package org.sealpost.bus;

/** Every event-bus address Sealpost uses, in one place. */
public final class Addresses {
  private Addresses() {}

  /** Raised when an envelope is queued for a device with no connection (PushRequest). */
  public static final String PUSH_NOTIFY = "sealpost.push.notify";

  /**
   * Published when a write changed a record that nodes keep copies of ({@code <cache>:<key>}, a
   * String): every node drops its copy.
   */
  public static final String CACHE_DROP = "sealpost.cache.drop";

  /** The one clustered inbox of a node: deliveries for devices connected there (NodeDelivery). */
  public static String nodeInbox(String nodeId) {
    return "sealpost.node." + nodeId + ".deliver";
  }
}
