package org.sealpost.privacy;

import io.vertx.core.Future;

/**
 * Whether one account blocked another. The small surface other features use (groups: a blocked
 * account cannot add its blocker to a group); {@link PrivacyService} implements it.
 */
public interface Blocks {
  Future<Boolean> isBlocked(String blocker, String blocked);
}
