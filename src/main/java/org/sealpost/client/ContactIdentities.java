package org.sealpost.client;

import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contacts' identity keys as the user sees them: the safety numbers to compare, and accepting a
 * key that changed (which releases the messages held since). Used on the client's context.
 */
final class ContactIdentities {
  private static final Logger log = LoggerFactory.getLogger(ContactIdentities.class);

  private final FileProtocolStore store;
  private final CryptoWorker crypto;
  private final MessageSender sender;
  private final MessageReceiver receiver;
  private final String number;
  private final String self;

  ContactIdentities(FileProtocolStore store, CryptoWorker crypto, MessageSender sender, MessageReceiver receiver,
      String number, String self) {
    this.store = store;
    this.crypto = crypto;
    this.sender = sender;
    this.receiver = receiver;
    this.number = number;
    this.self = self;
  }

  /** The safety numbers with {@code contact}'s devices; a contact never met has its keys fetched first. */
  Future<List<SafetyNumber>> safetyNumbers(String contact) {
    return crypto.run(() -> store.identitiesOf(contact).isEmpty())
        .compose(unknown -> unknown ? sender.startSessions(contact) : Future.succeededFuture())
        .compose(v -> crypto.run(() -> SafetyNumbers.of(store, number, contact)));
  }

  /** Accepts {@code contact}'s changed keys and releases its held messages; completes with how many devices changed. */
  Future<Integer> trust(String contact) {
    return crypto.run(() -> store.trustPending(contact))
        .compose(devices -> {
          if (!devices.isEmpty()) {
            log.info("{} - trusted new identity of {} on {} device(s)", self, Redact.number(contact), devices.size());
          }
          return receiver.releaseHeld(contact).map(released -> devices.size());
        });
  }
}
