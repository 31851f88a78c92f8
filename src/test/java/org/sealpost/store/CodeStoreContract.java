package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.store.CodeStore.CodeCheck;
import org.sealpost.store.proto.CodeRecord;

/** What every {@link CodeStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class CodeStoreContract {
  protected static final String KEY = "registration:+15550001111";
  protected static final long NOW = 1_700_000_000_000L;
  protected static final long EXPIRES = NOW + 600_000;

  protected CodeStore store;

  /** A new, empty store. The subclass releases what it opened (e.g. in an @AfterEach). */
  protected abstract CodeStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  protected static CodeRecord code(String code, long expiresAt) {
    return CodeRecord.newBuilder()
        .setCode(code)
        .setNumber("+15550001111")
        .setExpiresAt(expiresAt)
        .build();
  }

  @Test
  void putThenGetRoundTrips() {
    CodeRecord record = code("123456", EXPIRES);
    assertThat(await(store.get(KEY))).isEmpty();
    await(store.put(KEY, record));
    assertThat(await(store.get(KEY))).contains(record);
  }

  @Test
  void putReplacesThePreviousCode() {
    await(store.put(KEY, code("111111", EXPIRES)));
    assertThat(await(store.check(KEY, "999999", NOW, 3))).isEqualTo(CodeCheck.WRONG);
    await(store.put(KEY, code("222222", EXPIRES)));
    assertThat(await(store.get(KEY)).orElseThrow().getAttempts()).isZero();
    assertThat(await(store.check(KEY, "111111", NOW, 3))).isEqualTo(CodeCheck.WRONG);
    assertThat(await(store.check(KEY, "222222", NOW, 3))).isEqualTo(CodeCheck.MATCH);
  }

  @Test
  void aMatchConsumesTheCode() {
    await(store.put(KEY, code("123456", EXPIRES)));
    assertThat(await(store.check(KEY, "123456", NOW, 3))).isEqualTo(CodeCheck.MATCH);
    assertThat(await(store.check(KEY, "123456", NOW, 3))).isEqualTo(CodeCheck.ABSENT);
    assertThat(await(store.get(KEY))).isEmpty();
  }

  @Test
  void missingCodeIsAbsent() {
    assertThat(await(store.check(KEY, "123456", NOW, 3))).isEqualTo(CodeCheck.ABSENT);
  }

  @Test
  void aWrongCodeCountsAnAttempt() {
    await(store.put(KEY, code("123456", EXPIRES)));
    assertThat(await(store.check(KEY, "654321", NOW, 3))).isEqualTo(CodeCheck.WRONG);
    assertThat(await(store.get(KEY)).orElseThrow().getAttempts()).isEqualTo(1);
    assertThat(await(store.check(KEY, "123456", NOW, 3))).isEqualTo(CodeCheck.MATCH);
  }

  @Test
  void tooManyWrongAttemptsUseTheCodeUp() {
    await(store.put(KEY, code("123456", EXPIRES)));
    for (int i = 0; i < 3; i++) {
      assertThat(await(store.check(KEY, "000000", NOW, 3))).isEqualTo(CodeCheck.WRONG);
    }
    assertThat(await(store.get(KEY))).isEmpty();
    assertThat(await(store.check(KEY, "123456", NOW, 3))).isEqualTo(CodeCheck.ABSENT);
  }

  @Test
  void anExpiredCodeIsAbsent() {
    await(store.put(KEY, code("123456", EXPIRES)));
    assertThat(await(store.check(KEY, "123456", EXPIRES, 3))).isEqualTo(CodeCheck.ABSENT);
    assertThat(await(store.check(KEY, "123456", NOW, 3))).isEqualTo(CodeCheck.ABSENT);
  }

  @Test
  void aCodeIsValidUntilJustBeforeItExpires() {
    await(store.put(KEY, code("123456", EXPIRES)));
    assertThat(await(store.check(KEY, "123456", EXPIRES - 1, 3))).isEqualTo(CodeCheck.MATCH);
  }

  @Test
  void concurrentChecksMatchExactlyOnce() {
    await(store.put(KEY, code("123456", EXPIRES)));
    List<CodeCheck> results = inParallel(20, i -> store.check(KEY, "123456", NOW, 3));
    assertThat(results).filteredOn(CodeCheck.MATCH::equals).hasSize(1);
    assertThat(results).filteredOn(CodeCheck.ABSENT::equals).hasSize(19);
  }

  @Test
  void concurrentWrongChecksNeverExceedTheAttempts() {
    await(store.put(KEY, code("123456", EXPIRES)));
    List<CodeCheck> results = inParallel(20, i -> store.check(KEY, "000000", NOW, 5));
    assertThat(results).filteredOn(CodeCheck.WRONG::equals).hasSize(5);
    assertThat(results).filteredOn(CodeCheck.ABSENT::equals).hasSize(15);
  }

  @Test
  void deleteExpiredRemovesOnlyExpiredCodes() {
    await(store.put("a", code("1", NOW - 1)));
    await(store.put("b", code("2", NOW - 1_000)));
    await(store.put("c", code("3", NOW)));
    await(store.put("d", code("4", EXPIRES)));
    assertThat(await(store.deleteExpired(NOW))).isEqualTo(2);
    assertThat(await(store.get("a"))).isEmpty();
    assertThat(await(store.get("b"))).isEmpty();
    assertThat(await(store.get("c"))).isPresent();
    assertThat(await(store.get("d"))).isPresent();
    assertThat(await(store.deleteExpired(NOW))).isZero();
  }
}
