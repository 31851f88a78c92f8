package org.sealpost.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class EmbeddedDatabaseTest {
  private static final ColumnFamily CF = ColumnFamily.CODES;

  @TempDir Path dir;
  private EmbeddedDatabase db;

  @BeforeEach
  void open(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private Future<Void> put(String key, String value) {
    return db.write(
        txn -> {
          txn.put(CF, bytes(key), bytes(value));
          return null;
        });
  }

  private String get(String key) {
    byte[] value = await(db.read(reader -> reader.get(CF, bytes(key))));
    return value == null ? null : new String(value, UTF_8);
  }

  @Test
  void writesAreVisibleToReadsOnceComplete() {
    await(put("k", "v"));
    assertThat(get("k")).isEqualTo("v");
    assertThat(get("missing")).isNull();
  }

  /**
   * Holds the writer inside one operation while three more queue up, so those three run as one
   * group: the failing one must leave nothing behind, and the others must see each other.
   */
  @Test
  void aFailingOperationRollsBackAloneWithinItsGroup() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Void> blocker =
        db.write(
            txn -> {
              running.countDown();
              awaitLatch(release);
              return null;
            });
    assertThat(running.await(10, SECONDS)).isTrue();

    Future<Void> first = put("a", "1");
    Future<Void> failing =
        db.write(
            txn -> {
              txn.put(CF, bytes("b"), bytes("2"));
              txn.delete(CF, bytes("a"));
              throw new IllegalStateException("refused");
            });
    Future<List<String>> seen =
        db.write(
            txn -> {
              List<String> found = new ArrayList<>();
              txn.scanKeys(CF, Keys.EMPTY, Keys.EMPTY, key -> found.add(new String(key, UTF_8)));
              return found;
            });
    release.countDown();

    await(blocker);
    await(first);
    assertThat(awaitFailure(failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("refused");
    assertThat(await(seen)).containsExactly("a");
    assertThat(get("a")).isEqualTo("1");
    assertThat(get("b")).isNull();
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void scansStayWithinThePrefixAndSeeTheBatch() {
    await(put("a/1", "x"));
    await(put("a/3", "x"));
    await(put("b/1", "x"));
    List<String> seen =
        await(
            db.write(
                txn -> {
                  txn.put(CF, bytes("a/2"), bytes("x"));
                  txn.delete(CF, bytes("a/3"));
                  List<String> found = new ArrayList<>();
                  txn.scan(
                      CF,
                      bytes("a/"),
                      bytes("a/"),
                      (key, value) -> found.add(new String(key, UTF_8)));
                  return found;
                }));
    assertThat(seen).containsExactly("a/1", "a/2");
    List<String> fromTwo =
        await(
            db.read(
                reader -> {
                  List<String> found = new ArrayList<>();
                  reader.scanKeys(
                      CF, bytes("a/"), bytes("a/2"), key -> found.add(new String(key, UTF_8)));
                  return found;
                }));
    assertThat(fromTwo).containsExactly("a/2");
  }

  @Test
  void writesCompleteOnTheCallersContext(Vertx vertx, VertxTestContext test) {
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v ->
            put("k", "v")
                .onComplete(
                    test.succeeding(
                        done ->
                            test.verify(
                                () -> {
                                  assertThat(Vertx.currentContext()).isSameAs(context);
                                  db.read(reader -> reader.get(CF, bytes("k")))
                                      .onComplete(
                                          test.succeeding(
                                              value ->
                                                  test.verify(
                                                      () -> {
                                                        assertThat(Vertx.currentContext())
                                                            .isSameAs(context);
                                                        assertThat(value).isEqualTo(bytes("v"));
                                                        test.completeNow();
                                                      })));
                                }))));
  }

  @Test
  void queuedWritesFinishBeforeCloseAndLaterCallsFail(Vertx vertx) {
    List<Future<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      writes.add(put("k" + i, "v"));
    }
    db.close();
    writes.forEach(write -> await(write));
    assertThat(awaitFailure(put("late", "v"))).isInstanceOf(IllegalStateException.class);
    assertThat(awaitFailure(db.read(reader -> reader.get(CF, bytes("k0")))))
        .isInstanceOf(IllegalStateException.class);
    db.close();

    db = EmbeddedDatabase.open(vertx, dir);
    assertThat(get("k99")).isEqualTo("v");
  }
}
