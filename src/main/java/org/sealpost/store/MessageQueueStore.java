package org.sealpost.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;

/**
 * The durable offline queue: one ordered queue of envelopes per device.
 *
 * <p>Guarantees: a future returned by {@code append*} completes only after every envelope is
 * durable (survives a crash of the process); positions ({@link Envelope#getSeq()}) are
 * assigned by the store, strictly increasing per device in append order, and visible in that
 * order: a reader that sees position p has seen every stored envelope below it. Positions are
 * consecutive within one append; a store may leave some unused after an append that failed (the
 * Cassandra store does), which a reader sees as it sees acked envelopes: an envelope that is
 * not the cursor's next is found by reading the queue.
 */
public interface MessageQueueStore {

  /**
   * Appends envelopes (each addressed by its destination and destination_device) atomically
   * and returns them with their assigned positions.
   */
  Future<List<Envelope>> append(List<Envelope> envelopes);

  /**
   * Appends like {@link #append} unless {@code key} was appended before: then nothing is
   * stored and the result carries the first append's server timestamp with {@code duplicate}
   * set. Exactly one of several concurrent appends with one key stores its envelopes.
   */
  Future<AppendResult> appendOnce(DedupeKey key, long serverTimestamp, List<Envelope> envelopes);

  /**
   * As {@link #appendOnce(DedupeKey, long, List)}; {@code firstAttempt} says the client never sent
   * this key before, so only a concurrent send can have claimed it. A store whose long-term record
   * of sends costs a read (Cassandra) skips that read then, and its short-term memory of sends
   * still stores concurrent and quick retries once. A client that sets it on a late retry risks
   * only its own message being stored twice.
   */
  default Future<AppendResult> appendOnce(DedupeKey key, long serverTimestamp, List<Envelope> envelopes,
      boolean firstAttempt) {
    return appendOnce(key, serverTimestamp, envelopes);
  }

  /** Up to {@code limit} envelopes of a device with position greater than {@code afterSeq}, in order. */
  Future<List<Envelope>> read(DeviceKey device, long afterSeq, int limit);

  /**
   * Deletes one envelope (an ack); returns false when it was not there.
   *
   * <p>An ack need not be durable against a crash of the machine when it completes (it must be
   * against a crash of the process): should it be lost, the envelope is delivered again and the
   * client, which knows the message id, acks it again. Stores may write it without waiting for an
   * fsync of its own; {@link #deleteThenAppend} likewise, as one atomic write (a receipt is then
   * lost only together with its ack, and made again by the repeated ack).
   */
  Future<Boolean> delete(DeviceKey device, long seq);

  /**
   * Acks that answer with nothing: deletes the device's envelopes at {@code seqs}, whether or not
   * they are there (written as lazily as {@link #delete}). Stores that can skip the reads {@link
   * #delete} makes to answer do.
   */
  default Future<Void> deleteAll(DeviceKey device, List<Long> seqs) {
    List<Future<Boolean>> deletes = new ArrayList<>(seqs.size());
    for (long seq : seqs) {
      deletes.add(delete(device, seq));
    }
    return Future.all(deletes).mapEmpty();
  }

  /**
   * Acks that answer with receipts: deletes the device's envelopes at {@code seqs} and appends
   * (as {@link #append}) what {@code receiptsFor} makes of the seqs that were there (in
   * {@code seqs}' order); returns what was appended. A repeated ack finds nothing, so it sends no
   * second receipt. A store that would need a read per ack to know which seqs were there (Cassandra)
   * passes every seq acked instead: callers ack only envelopes they delivered, and a second receipt
   * is taken once by message id. Stores that can make it one atomic write do (no ack kept without its receipt
   * after a crash; {@code receiptsFor} then runs inside that write and must be quick and pure); the
   * default deletes one by one, then appends.
   */
  default Future<List<Envelope>> deleteThenAppend(DeviceKey device, List<Long> seqs,
      Function<List<Long>, List<Envelope>> receiptsFor) {
    List<Future<Boolean>> deletes = new ArrayList<>(seqs.size());
    for (long seq : seqs) {
      deletes.add(delete(device, seq));
    }
    return Future.all(deletes).compose(all -> {
      List<Long> deleted = new ArrayList<>(seqs.size());
      for (int i = 0; i < seqs.size(); i++) {
        if (Boolean.TRUE.equals(all.resultAt(i))) {
          deleted.add(seqs.get(i));
        }
      }
      List<Envelope> receipts = deleted.isEmpty() ? List.of() : receiptsFor.apply(deleted);
      return receipts.isEmpty() ? Future.succeededFuture(List.of()) : append(receipts);
    });
  }

  /** How many envelopes wait for a device. */
  Future<Long> count(DeviceKey device);

  /** Deletes a device's whole queue (device removed or account re-registered). */
  Future<Void> clear(DeviceKey device);

  /**
   * Deletes a device's queue and everything the store keeps about it (its position counter
   * included): the account is being deleted. A later queue of the same device key (the number
   * registered again) starts empty.
   */
  Future<Void> purge(DeviceKey device);

  /**
   * Deletes the dedupe records of every send from or to {@code number} (the account is being
   * deleted): they say who wrote to whom and when. Reads every record, so it is for rare
   * account-level operations only.
   */
  Future<Void> forgetSends(String number);

  /** What waits in a device's queue: counts, bytes and dates, never contents. */
  record QueueSummary(long envelopes, long bytes, long oldest, long newest) {}

  /** Summarizes a device's queue by reading it page by page (the export of an account's data). */
  default Future<QueueSummary> summary(DeviceKey device) {
    return summary(device, 0, new QueueSummary(0, 0, 0, 0));
  }

  private Future<QueueSummary> summary(DeviceKey device, long afterSeq, QueueSummary sofar) {
    int page = 500;
    return read(device, afterSeq, page).compose(envelopes -> {
      QueueSummary next = sofar;
      for (Envelope e : envelopes) {
        long at = e.getServerTimestamp();
        next = new QueueSummary(next.envelopes() + 1, next.bytes() + e.getSerializedSize(),
            next.oldest() == 0 ? at : Math.min(next.oldest(), at), Math.max(next.newest(), at));
      }
      return envelopes.size() < page
          ? Future.succeededFuture(next)
          : summary(device, envelopes.get(envelopes.size() - 1).getSeq(), next);
    });
  }

  /**
   * Deletes envelopes accepted before {@code envelopesBefore} and dedupe records older than
   * {@code dedupeBefore} (both ms since the epoch); returns how many envelopes went.
   */
  Future<Long> deleteExpired(long envelopesBefore, long dedupeBefore);

  /** Who sent a message to whom with which id: what makes a send idempotent. */
  record DedupeKey(String sender, String destination, com.google.protobuf.ByteString messageId) {}

  /**
   * What an append answered.
   *
   * @param serverTimestamp the timestamp of the first accepted append with this key
   * @param duplicate true when nothing new was stored
   * @param stored the stored envelopes with their positions (empty when duplicate)
   */
  record AppendResult(long serverTimestamp, boolean duplicate, List<Envelope> stored) {}
}
