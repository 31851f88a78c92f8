package org.sealpost.presence;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sealpost.privacy.PrivacyService;
import org.sealpost.protocol.PresenceEvent;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Visibility;
import org.sealpost.store.PresenceStore.PresenceState;
import org.sealpost.store.PrivacyStore;

/**
 * Who may see what of one account's presence, loaded once per change and then asked per viewer:
 * its settings, its uploaded contacts ("my contacts") and whom it blocked.
 */
record Audience(String target, PrivacySettings settings, Set<String> contacts, Set<String> blocked) {

  /** What presence changes of {@code target} need to decide who sees them. */
  static Future<Audience> load(String target, PrivacyService privacy, PrivacyStore store) {
    Future<PrivacySettings> settings = privacy.settings(target);
    Future<List<String>> contacts = store.contacts(target);
    Future<List<String>> blocked = store.blocked(target);
    return Future.all(settings, contacts, blocked).map(all -> new Audience(target, settings.result(),
        Set.copyOf(contacts.result()), Set.copyOf(blocked.result())));
  }

  boolean maySeeOnline(String viewer) {
    return may(settings.getOnline(), viewer);
  }

  boolean maySeeLastSeen(String viewer) {
    return may(settings.getLastSeen(), viewer);
  }

  private boolean may(Visibility visibility, String viewer) {
    if (viewer.equals(target)) {
      return true;
    }
    if (blocked.contains(viewer)) {
      return false;
    }
    return switch (visibility) {
      case EVERYONE -> true;
      case CONTACTS -> contacts.contains(viewer);
      case NOBODY, UNRECOGNIZED -> false;
    };
  }

  /**
   * What {@code viewer} is told of {@code state}; empty when it may see nothing. A viewer who may
   * see last seen but not online is told nothing when the account comes online (that event alone
   * would say "online"), and the previous last seen in a {@code snapshot}.
   */
  Optional<PresenceEvent> view(String viewer, PresenceState state, long now, boolean snapshot) {
    boolean online = maySeeOnline(viewer);
    boolean lastSeen = maySeeLastSeen(viewer);
    PresenceEvent.Builder event = PresenceEvent.newBuilder().setNumber(target).setServerTimestamp(now);
    if (state.online() && online) {
      return Optional.of(event.setOnline(true).build());
    }
    if (state.online() && !snapshot) {
      return Optional.empty();
    }
    if (!online && !lastSeen) {
      return Optional.empty();
    }
    return Optional.of(event.setOnline(false).setLastSeen(lastSeen ? state.lastSeen() : 0).build());
  }
}
