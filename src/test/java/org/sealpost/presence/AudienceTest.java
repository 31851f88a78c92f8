package org.sealpost.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sealpost.protocol.PresenceEvent;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Visibility;
import org.sealpost.store.PresenceStore.PresenceState;

/** The visibility rules, one combination at a time. */
class AudienceTest {
  private static final String TARGET = "+15550001111";
  private static final String CONTACT = "+15550002222";
  private static final String STRANGER = "+15550003333";
  private static final String BLOCKED = "+15550004444";
  private static final PresenceState ONLINE = new PresenceState(true, 1_000);
  private static final PresenceState OFFLINE = new PresenceState(false, 2_000);

  private static Audience audience(Visibility lastSeen, Visibility online) {
    return new Audience(TARGET, PrivacySettings.newBuilder().setLastSeen(lastSeen).setOnline(online).build(),
        Set.of(CONTACT, BLOCKED), Set.of(BLOCKED));
  }

  @Test
  void everyoneSeesEverythingButTheBlocked() {
    Audience audience = audience(Visibility.EVERYONE, Visibility.EVERYONE);
    assertThat(audience.view(STRANGER, ONLINE, 5, false)).get().extracting(PresenceEvent::getOnline).isEqualTo(true);
    assertThat(audience.view(STRANGER, OFFLINE, 5, false)).get().extracting(PresenceEvent::getLastSeen)
        .isEqualTo(2_000L);
    assertThat(audience.view(BLOCKED, ONLINE, 5, false)).isEmpty();
    assertThat(audience.view(BLOCKED, OFFLINE, 5, true)).isEmpty();
  }

  @Test
  void contactsOnlyHidesEverythingFromStrangers() {
    Audience audience = audience(Visibility.CONTACTS, Visibility.CONTACTS);
    assertThat(audience.view(CONTACT, ONLINE, 5, false)).isPresent();
    assertThat(audience.view(STRANGER, ONLINE, 5, false)).isEmpty();
    assertThat(audience.view(STRANGER, OFFLINE, 5, true)).isEmpty();
    assertThat(audience.view(TARGET, OFFLINE, 5, true)).as("an account sees itself").isPresent();
  }

  @Test
  void lastSeenWithoutOnlineSaysNothingWhenTheAccountComesOnline() {
    Audience audience = audience(Visibility.EVERYONE, Visibility.NOBODY);
    assertThat(audience.view(STRANGER, ONLINE, 5, false)).isEmpty();
    assertThat(audience.view(STRANGER, ONLINE, 5, true)).get()
        .satisfies(event -> {
          assertThat(event.getOnline()).isFalse();
          assertThat(event.getLastSeen()).isEqualTo(1_000);
        });
    assertThat(audience.view(STRANGER, OFFLINE, 5, false)).get().extracting(PresenceEvent::getLastSeen)
        .isEqualTo(2_000L);
  }

  @Test
  void onlineWithoutLastSeenHidesTheTimestamp() {
    Audience audience = audience(Visibility.NOBODY, Visibility.EVERYONE);
    assertThat(audience.view(STRANGER, ONLINE, 5, false)).get().extracting(PresenceEvent::getOnline).isEqualTo(true);
    assertThat(audience.view(STRANGER, OFFLINE, 5, false)).get().extracting(PresenceEvent::getLastSeen)
        .isEqualTo(0L);
  }

  @Test
  void nobodyMeansNoPresenceAtAll() {
    Audience audience = audience(Visibility.NOBODY, Visibility.NOBODY);
    assertThat(audience.view(CONTACT, ONLINE, 5, true)).isEmpty();
    assertThat(audience.view(CONTACT, OFFLINE, 5, false)).isEmpty();
  }
}
