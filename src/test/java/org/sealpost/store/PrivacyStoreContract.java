package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Visibility;

/** What every {@link PrivacyStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class PrivacyStoreContract {
  protected static final String ALICE = "+15550001111";
  protected static final String BOB = "+15550002222";
  protected static final String CAROL = "+15550003333";

  protected PrivacyStore store;

  /** A new, empty store. The subclass releases what it opened. */
  protected abstract PrivacyStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  @Test
  void settingsAreAbsentUntilPutThenTheLastPutWins() {
    assertThat(await(store.settings(ALICE))).isEmpty();
    PrivacySettings hidden = PrivacySettings.newBuilder().setLastSeen(Visibility.NOBODY)
        .setOnline(Visibility.CONTACTS).setReadReceiptsOff(true).build();
    await(store.putSettings(ALICE, hidden));
    assertThat(await(store.settings(ALICE))).contains(hidden);
    await(store.putSettings(ALICE, PrivacySettings.getDefaultInstance()));
    assertThat(await(store.settings(ALICE))).contains(PrivacySettings.getDefaultInstance());
    assertThat(await(store.settings(BOB))).isEmpty();
  }

  @Test
  void anUploadReplacesTheContactListWithoutDuplicates() {
    assertThat(await(store.contacts(ALICE))).isEmpty();
    await(store.replaceContacts(ALICE, List.of(BOB, CAROL, BOB)));
    assertThat(await(store.contacts(ALICE))).containsExactly(BOB, CAROL);
    await(store.replaceContacts(ALICE, List.of(CAROL)));
    assertThat(await(store.contacts(ALICE))).containsExactly(CAROL);
    await(store.replaceContacts(ALICE, List.of()));
    assertThat(await(store.contacts(ALICE))).isEmpty();
    assertThat(await(store.contacts(BOB))).isEmpty();
  }

  @Test
  void blocksAreDirectedAndIdempotent() {
    await(store.block(ALICE, BOB));
    await(store.block(ALICE, BOB));
    await(store.block(ALICE, CAROL));
    assertThat(await(store.isBlocked(ALICE, BOB))).isTrue();
    assertThat(await(store.isBlocked(BOB, ALICE))).isFalse();
    assertThat(await(store.blocked(ALICE))).containsExactly(BOB, CAROL);
    assertThat(await(store.blocked(BOB))).isEmpty();

    await(store.unblock(ALICE, BOB));
    await(store.unblock(ALICE, BOB));
    assertThat(await(store.isBlocked(ALICE, BOB))).isFalse();
    assertThat(await(store.blocked(ALICE))).containsExactly(CAROL);
  }

  @Test
  void aBlockerWhoseNumberPrefixesAnotherKeepsItsOwnList() {
    String shorter = "+1555000111";
    await(store.block(ALICE, BOB));
    await(store.block(shorter, CAROL));
    assertThat(await(store.blocked(shorter))).containsExactly(CAROL);
    assertThat(await(store.blocked(ALICE))).containsExactly(BOB);
  }

  @Test
  void clearRemovesSettingsContactsAndOwnBlocksButKeepsOthersBlocksAgainstTheNumber() {
    await(store.putSettings(ALICE, PrivacySettings.newBuilder().setLastSeen(Visibility.NOBODY).build()));
    await(store.replaceContacts(ALICE, List.of(BOB, CAROL)));
    await(store.block(ALICE, BOB));
    await(store.block(ALICE, CAROL));
    await(store.block(BOB, ALICE));
    await(store.putSettings(BOB, PrivacySettings.newBuilder().setOnline(Visibility.NOBODY).build()));
    await(store.replaceContacts(BOB, List.of(ALICE)));
    await(store.block(BOB, CAROL));

    await(store.clear(ALICE));

    assertThat(await(store.settings(ALICE))).isEmpty();
    assertThat(await(store.contacts(ALICE))).isEmpty();
    assertThat(await(store.blocked(ALICE))).isEmpty();
    assertThat(await(store.isBlocked(ALICE, BOB))).isFalse();
    assertThat(await(store.isBlocked(BOB, ALICE))).isTrue();
    assertThat(await(store.blocked(BOB))).containsExactly(ALICE, CAROL);
    assertThat(await(store.settings(BOB))).isPresent();
    assertThat(await(store.contacts(BOB))).containsExactly(ALICE);

    await(store.block(ALICE, CAROL));
    assertThat(await(store.blocked(ALICE))).containsExactly(CAROL);
  }

  @Test
  void clearLeavesTheListOfABlockerWhoseNumberPrefixesIt() {
    String longer = ALICE + "9";
    await(store.block(ALICE, BOB));
    await(store.block(longer, CAROL));

    await(store.clear(ALICE));

    assertThat(await(store.blocked(longer))).containsExactly(CAROL);
  }

  @Test
  void clearOfAnUnknownNumberSucceedsAndTheNumberCanStartAgain() {
    await(store.clear(CAROL));
    assertThat(await(store.settings(CAROL))).isEmpty();

    await(store.block(CAROL, ALICE));
    await(store.replaceContacts(CAROL, List.of(BOB)));
    assertThat(await(store.blocked(CAROL))).containsExactly(ALICE);
    assertThat(await(store.contacts(CAROL))).containsExactly(BOB);
  }
}
