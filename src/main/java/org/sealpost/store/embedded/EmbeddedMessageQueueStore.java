package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.DEDUPE;
import static org.sealpost.store.embedded.ColumnFamily.QUEUE;
import static org.sealpost.store.embedded.ColumnFamily.QUEUE_META;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.proto.DedupeRecord;

/**
 * Device queues in the {@link ColumnFamily#QUEUE} column family under number, 0x00, device id,
 * big-endian seq, so one prefix scan reads a device's queue in order. The last seq given to each
 * device is kept in {@link ColumnFamily#QUEUE_META} and never deleted, so positions keep increasing
 * by one across deletes, clears and restarts. Dedupe records live in {@link ColumnFamily#DEDUPE},
 * written in the same operation as the envelopes they guard.
 */
public final class EmbeddedMessageQueueStore implements MessageQueueStore {
  /** Devices whose last seq is remembered; beyond this the least recently used is forgotten. */
  private static final int REMEMBERED_DEVICES = 65_536;

  private final EmbeddedDatabase db;

  /**
   * The last seq of recently used devices, so an append need not read {@link
   * ColumnFamily#QUEUE_META} (a memtable search on the writer thread, per envelope). Touched only
   * by write operations, which all run on the database's one writer thread.
   */
  private final Map<DeviceKey, Long> lastSeqs =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<DeviceKey, Long> eldest) {
          return size() > REMEMBERED_DEVICES;
        }
      };

  /**
   * Bumped when a write that appended fails: its group was not committed, so what {@link
   * #lastSeqs} learnt from it may be ahead of the disk. The writer forgets everything on the next
   * append (positions never go backwards; at worst one is skipped).
   */
  private final AtomicLong failedAppends = new AtomicLong();

  private long seenFailedAppends;

  public EmbeddedMessageQueueStore(EmbeddedDatabase db) {
    this.db = db;
  }

  @Override
  public Future<List<Envelope>> append(List<Envelope> envelopes) {
    if (envelopes.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Envelope> copy = List.copyOf(envelopes);
    return forgetOnFailure(db.write(txn -> appendAll(txn, copy)));
  }

  @Override
  public Future<AppendResult> appendOnce(
      DedupeKey key, long serverTimestamp, List<Envelope> envelopes) {
    List<Envelope> copy = List.copyOf(envelopes);
    return forgetOnFailure(db.write(
        txn -> {
          byte[] dedupeKey = Keys.dedupe(key);
          byte[] existing = txn.get(DEDUPE, dedupeKey);
          if (existing != null) {
            long first = Keys.parse(DedupeRecord.parser(), existing).getServerTimestamp();
            return new AppendResult(first, true, List.of());
          }
          DedupeRecord record =
              DedupeRecord.newBuilder().setServerTimestamp(serverTimestamp).build();
          txn.put(DEDUPE, dedupeKey, record.toByteArray());
          return new AppendResult(serverTimestamp, false, appendAll(txn, copy));
        }));
  }

  @Override
  public Future<List<Envelope>> read(DeviceKey device, long afterSeq, int limit) {
    if (limit <= 0 || afterSeq == Long.MAX_VALUE) {
      return Future.succeededFuture(List.of());
    }
    return db.read(
        reader -> {
          byte[] prefix = Keys.device(device);
          byte[] from = Keys.queueEntry(device, Math.max(afterSeq + 1, 0));
          List<Envelope> envelopes = new ArrayList<>();
          reader.scan(
              QUEUE,
              prefix,
              from,
              (key, value) -> {
                envelopes.add(Keys.parse(Envelope.parser(), value));
                return envelopes.size() < limit;
              });
          return envelopes;
        });
  }

  /** An ack: written lazily (see {@link MessageQueueStore#delete}). */
  @Override
  public Future<Boolean> delete(DeviceKey device, long seq) {
    return db.writeLazily(
        txn -> {
          byte[] key = Keys.queueEntry(device, seq);
          if (txn.get(QUEUE, key) == null) {
            return false;
          }
          txn.delete(QUEUE, key);
          return true;
        });
  }

  /** Acks that make no receipt: tombstones without a read (a repeated ack's is harmless), written lazily. */
  @Override
  public Future<Void> deleteAll(DeviceKey device, List<Long> seqs) {
    List<Long> copy = List.copyOf(seqs);
    return db.writeLazily(
        txn -> {
          for (long seq : copy) {
            txn.delete(QUEUE, Keys.queueEntry(device, seq));
          }
          return null;
        });
  }

  /** Acks with their receipts, in one batch written lazily (see {@link MessageQueueStore#delete}). */
  @Override
  public Future<List<Envelope>> deleteThenAppend(
      DeviceKey device, List<Long> seqs, Function<List<Long>, List<Envelope>> receiptsFor) {
    List<Long> copy = List.copyOf(seqs);
    return forgetOnFailure(db.writeLazily(
        txn -> {
          List<Long> deleted = new ArrayList<>(copy.size());
          for (long seq : copy) {
            byte[] key = Keys.queueEntry(device, seq);
            if (txn.get(QUEUE, key) != null) {
              txn.delete(QUEUE, key);
              deleted.add(seq);
            }
          }
          List<Envelope> receipts = deleted.isEmpty() ? List.of() : receiptsFor.apply(deleted);
          return receipts.isEmpty() ? List.<Envelope>of() : appendAll(txn, receipts);
        }));
  }

  @Override
  public Future<Long> count(DeviceKey device) {
    return db.read(reader -> reader.countKeys(QUEUE, Keys.device(device)));
  }

  /**
   * Deletes what was queued when the call was made, page by page; envelopes appended while it runs
   * have higher seqs and stay.
   */
  @Override
  public Future<Void> clear(DeviceKey device) {
    return db.read(reader -> lastSeq(reader, Keys.device(device)))
        .compose(
            last -> {
              BiPredicate<byte[], byte[]> queuedBefore = (key, value) -> Keys.seqOf(key) <= last;
              return new PagedDeletion(db, QUEUE, Keys.device(device), queuedBefore, value -> true)
                  .run();
            })
        .mapEmpty();
  }

  @Override
  public Future<Void> purge(DeviceKey device) {
    return clear(device).compose(cleared -> db.write(txn -> {
      lastSeqs.remove(device);
      txn.delete(QUEUE_META, Keys.device(device));
      return null;
    }));
  }

  /** Scans every dedupe record: the keys lead with the sender, and a destination is found only by reading. */
  @Override
  public Future<Void> forgetSends(String number) {
    byte[] key = Keys.text(number);
    return new PagedDeletion(db, DEDUPE, Keys.EMPTY, (k, value) -> Keys.dedupeNames(k, key), value -> true)
        .run().mapEmpty();
  }

  /**
   * Envelopes are judged by their server_timestamp, dedupe records by theirs. Queue keys are never
   * reused, so an envelope selected on the read page needs no re-check in the write.
   */
  @Override
  public Future<Long> deleteExpired(long envelopesBefore, long dedupeBefore) {
    PagedDeletion envelopes =
        new PagedDeletion(
            db,
            QUEUE,
            Keys.EMPTY,
            (key, value) ->
                Keys.parse(Envelope.parser(), value).getServerTimestamp() < envelopesBefore,
            value -> true);
    PagedDeletion dedupes =
        new PagedDeletion(
            db,
            DEDUPE,
            Keys.EMPTY,
            (key, value) -> dedupeTimestamp(value) < dedupeBefore,
            value -> dedupeTimestamp(value) < dedupeBefore);
    return envelopes.run().compose(deleted -> dedupes.run().map(deleted));
  }

  /**
   * Stores envelopes after the last seq of their destination devices; returns them with seqs. Runs
   * on the writer thread (inside a write operation).
   */
  private List<Envelope> appendAll(Txn txn, List<Envelope> envelopes) {
    long failed = failedAppends.get();
    if (failed != seenFailedAppends) {
      seenFailedAppends = failed;
      lastSeqs.clear();
    }
    Map<DeviceKey, Long> appended = new HashMap<>();
    List<Envelope> stored = new ArrayList<>(envelopes.size());
    for (Envelope envelope : envelopes) {
      DeviceKey device = new DeviceKey(envelope.getDestination(), envelope.getDestinationDevice());
      Long last = appended.get(device);
      if (last == null) {
        last = lastSeqs.get(device);
      }
      long seq = (last != null ? last : lastSeq(txn, Keys.device(device))) + 1;
      appended.put(device, seq);
      Envelope positioned = envelope.toBuilder().setSeq(seq).build();
      txn.put(QUEUE, Keys.queueEntry(device, seq), positioned.toByteArray());
      stored.add(positioned);
    }
    appended.forEach(
        (device, seq) -> txn.put(QUEUE_META, Keys.device(device), Keys.longValue(seq)));
    // Last, so an operation that throws before this point teaches the cache nothing.
    lastSeqs.putAll(appended);
    return List.copyOf(stored);
  }

  private <T> Future<T> forgetOnFailure(Future<T> write) {
    return write.onFailure(err -> failedAppends.incrementAndGet());
  }

  private static long lastSeq(KeyValueReader reader, byte[] devicePrefix) {
    byte[] value = reader.get(QUEUE_META, devicePrefix);
    return value == null ? 0 : Keys.longValue(value);
  }

  private static long dedupeTimestamp(byte[] value) {
    return Keys.parse(DedupeRecord.parser(), value).getServerTimestamp();
  }
}
