package org.sealpost.store.cassandra;

import java.util.UUID;

/**
 * A record as read together with its version: the value a compare-and-set names in its condition.
 * Versions are random UUIDs, not counters, so a row deleted and written again never repeats one
 * that an old reader still holds.
 */
record Versioned<T>(T value, UUID version) {
  static UUID next() {
    return UUID.randomUUID();
  }
}
