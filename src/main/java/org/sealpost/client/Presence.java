package org.sealpost.client;

import java.util.Optional;

/**
 * What the server lets this account see of a subscribed number's presence.
 *
 * @param number the account
 * @param online true while any of its devices is connected (false also when online is hidden)
 * @param lastSeen when it was last online, ms since the epoch; 0 when hidden or never seen
 * @param serverTimestamp when the server observed this state: of two states of one number, the
 *     later one wins (events may overtake each other across nodes)
 */
public record Presence(String number, boolean online, long lastSeen, long serverTimestamp) {

  public Optional<java.time.Instant> lastSeenAt() {
    return lastSeen > 0 ? Optional.of(java.time.Instant.ofEpochMilli(lastSeen)) : Optional.empty();
  }
}
