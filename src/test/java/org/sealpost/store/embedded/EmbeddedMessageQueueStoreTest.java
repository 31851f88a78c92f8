package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.MessageQueueStore.AppendResult;
import org.sealpost.store.MessageQueueStoreContract;

class EmbeddedMessageQueueStoreTest extends MessageQueueStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected MessageQueueStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedMessageQueueStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  private MessageQueueStore reopen(Vertx vertx) {
    db.close();
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedMessageQueueStore(db);
  }

  @Test
  void envelopesAndDedupeRecordsSurviveAReopen(Vertx vertx) {
    AppendResult first =
        await(
            store.appendOnce(
                dedupeKey("m1"),
                NOW,
                List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));

    MessageQueueStore reopened = reopen(vertx);
    assertThat(await(reopened.read(BOB_1, 0, 10))).isEqualTo(first.stored());
    assertThat(
            await(
                reopened.appendOnce(dedupeKey("m1"), NOW + 1, List.of(envelope(BOB_1, "a", NOW)))))
        .isEqualTo(new AppendResult(NOW, true, List.of()));
  }

  @Test
  void seqsKeepIncreasingAfterAReopen(Vertx vertx) {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    await(store.clear(BOB_1));

    MessageQueueStore reopened = reopen(vertx);
    List<Envelope> stored = await(reopened.append(List.of(envelope(BOB_1, "c", NOW))));
    assertThat(seqs(stored)).containsExactly(3L);
  }
}
