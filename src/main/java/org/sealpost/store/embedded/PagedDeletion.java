package org.sealpost.store.embedded;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Deletes the entries of a key range that a predicate selects, a page at a time: a read finds the
 * candidates of one page off the writer thread, then one write deletes those still there. Many
 * small writes instead of one huge one keep the writer (and every other write) moving while a large
 * queue or a whole column family is cleaned up.
 */
final class PagedDeletion {
  static final int PAGE_SIZE = 1_000;

  private final EmbeddedDatabase db;
  private final ColumnFamily cf;
  private final byte[] prefix;
  private final BiPredicate<byte[], byte[]> select;
  private final Predicate<byte[]> stillSelected;

  /**
   * @param select which entries to delete, judged on the read page
   * @param stillSelected re-checks the current value inside the write, for keys whose value can
   *     change between the read and the write; {@code v -> true} when a key, once selected, stays
   *     selected
   */
  PagedDeletion(
      EmbeddedDatabase db,
      ColumnFamily cf,
      byte[] prefix,
      BiPredicate<byte[], byte[]> select,
      Predicate<byte[]> stillSelected) {
    this.db = db;
    this.cf = cf;
    this.prefix = prefix;
    this.select = select;
    this.stillSelected = stillSelected;
  }

  /** Runs to the end of the range; returns how many entries were deleted. */
  Future<Long> run() {
    return pageFrom(prefix, 0);
  }

  private Future<Long> pageFrom(byte[] from, long deletedSoFar) {
    return db.read(reader -> readPage(reader, from))
        .compose(
            page ->
                deleteStillSelected(page.candidates())
                    .compose(
                        deleted ->
                            page.next() == null
                                ? Future.succeededFuture(deletedSoFar + deleted)
                                : pageFrom(page.next(), deletedSoFar + deleted)));
  }

  private Page readPage(KeyValueReader reader, byte[] from) {
    List<byte[]> candidates = new ArrayList<>();
    byte[][] last = new byte[1][];
    int[] visited = {0};
    reader.scan(
        cf,
        prefix,
        from,
        (key, value) -> {
          if (select.test(key, value)) {
            candidates.add(key);
          }
          last[0] = key;
          return ++visited[0] < PAGE_SIZE;
        });
    byte[] next = visited[0] < PAGE_SIZE ? null : Keys.successor(last[0]);
    return new Page(candidates, next);
  }

  private Future<Long> deleteStillSelected(List<byte[]> candidates) {
    if (candidates.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return db.write(
        txn -> {
          long deleted = 0;
          for (byte[] key : candidates) {
            byte[] current = txn.get(cf, key);
            if (current != null && stillSelected.test(current)) {
              txn.delete(cf, key);
              deleted++;
            }
          }
          return deleted;
        });
  }

  /** One page's keys to delete, and where the next page starts (null after the last). */
  private record Page(List<byte[]> candidates, byte[] next) {}
}
