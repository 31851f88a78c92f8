package org.sealpost.store;

import io.vertx.core.Future;
import java.time.Duration;
import org.sealpost.api.DeviceKey;

/**
 * Turns at appending to a device's queue, shared by every node, with the queue's positions: a
 * store whose database does not serialize appends (Cassandra with plain writes) takes a turn, writes
 * the positions the turn hands out, and gives the turn back. One holder at a time per device means
 * a device's rows become visible in position order, so a reader never sees position p + 1 before
 * p; positions come from one counter, so none is given out twice, even to a holder whose turn ran
 * out while it was still writing.
 *
 * <p>A turn lasts {@link #lease()} unless given back: a holder that dies frees the device after
 * that long. A holder that finds, when giving its turn back, that another took the device after
 * its turn ran out must not report its append as done: its rows may show up after the next
 * holder's, behind a reader's cursor.
 */
public interface QueueTurns {

  /** What {@link #take} answered. */
  enum Status {
    /** The turn is the caller's; positions {@code last + 1 .. last + count} are its to write. */
    TAKEN,
    /** Another holder has the device; try again after a pause. */
    BUSY,
    /** No position is known for the device (never used, or forgotten): take again with a seed. */
    UNSEEDED
  }

  /**
   * @param status what happened
   * @param last the last position given out before this turn (when {@link Status#TAKEN})
   */
  record Turn(Status status, long last) {}

  /**
   * Takes the device's turn for {@code holder} and {@code count} new positions (0 for a turn that
   * only needs the device to itself).
   *
   * @param seed the last position to start from when none is known; negative when the caller has
   *     not looked one up yet (then an unknown device answers {@link Status#UNSEEDED})
   */
  Future<Turn> take(DeviceKey device, String holder, int count, long seed);

  /**
   * Gives the turn back; true when it was kept: still {@code holder}'s, or run out with nobody
   * taking the device since (the counter still ends at {@code last}, the holder's last position).
   */
  Future<Boolean> give(DeviceKey device, String holder, long last);

  /**
   * Forgets the device: its turn and its counter (its queue was purged). The next take is
   * {@link Status#UNSEEDED}.
   */
  Future<Void> forget(DeviceKey device);

  /** How long a turn lasts when not given back. */
  Duration lease();
}
