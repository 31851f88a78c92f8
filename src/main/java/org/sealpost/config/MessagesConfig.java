package org.sealpost.config;

import java.time.Duration;

/**
 * Message acceptance and queue retention.
 *
 * @param maxContentBytes largest ciphertext per destination device (Signal's 96 KiB)
 * @param queueTtl undelivered envelopes are deleted after this
 * @param dedupeTtl how long a message id is remembered so a retry is not stored twice
 * @param sweepInterval how often expired envelopes and dedupe records are deleted
 */
public record MessagesConfig(int maxContentBytes, Duration queueTtl, Duration dedupeTtl, Duration sweepInterval) {
  public MessagesConfig {
    SealpostConfig.check(maxContentBytes > 0, "messages.maxContentBytes must be > 0");
    SealpostConfig.check(queueTtl != null && queueTtl.toMillis() > 0, "messages.queueTtl must be > 0");
    SealpostConfig.check(dedupeTtl != null && dedupeTtl.toMillis() > 0, "messages.dedupeTtl must be > 0");
    SealpostConfig.check(sweepInterval != null && sweepInterval.toMillis() > 0, "messages.sweepInterval must be > 0");
  }

  public static MessagesConfig defaults() {
    return new MessagesConfig(96 * 1024, Duration.ofDays(30), Duration.ofDays(7), Duration.ofHours(1));
  }
}
