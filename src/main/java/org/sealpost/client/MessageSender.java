package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.protocol.CallSignal;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.MismatchedDevices;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyBundles;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;
import org.sealpost.protocol.StaleDevices;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts one plaintext for every device of a destination and hands it to the server.
 *
 * <p>The device list is the server's: a first send to a number fetches a bundle for each of its
 * devices ({@code GET /v1/keys/{number}/*}) and builds PQXDH sessions; afterwards the sessions
 * this device holds are the list, and the server corrects it. A 409 names devices the request
 * missed (their bundles are fetched) and devices that no longer exist (their sessions are
 * dropped); a 410 names devices that were re-registered or re-linked (their sessions are dropped
 * and rebuilt from fresh bundles). Then the send is tried again, at most {@value #MAX_ATTEMPTS}
 * times in all.
 *
 * <p>Every bundle is checked against the server's key log first ({@link BundleProofs}): a key
 * the log does not show fails the send with {@link KeyTransparencyException}.
 *
 * <p>A new identity key for a device this account already knew is never used silently: building
 * the session fails, the send fails with {@link IdentityChangedException}, and nothing is sent to
 * any device until the user trusts the new key.
 */
final class MessageSender {
  private static final Logger log = LoggerFactory.getLogger(MessageSender.class);
  static final int MAX_ATTEMPTS = 4;
  private static final int MISMATCHED_DEVICES = 409;
  private static final int STALE_DEVICES = 410;

  private final FileProtocolStore store;
  private final CryptoWorker crypto;
  private final ServerApi api;
  private final String ownNumber;
  private final int ownDevice;
  private final BundleProofs proofs;

  MessageSender(FileProtocolStore store, CryptoWorker crypto, ServerApi api, String ownNumber, int ownDevice,
      BundleProofs proofs) {
    this.proofs = proofs;
    this.store = store;
    this.crypto = crypto;
    this.api = api;
    this.ownNumber = ownNumber;
    this.ownDevice = ownDevice;
  }

  /**
   * Sends {@code plaintext} to every device of {@code destination}; for this account's own
   * number, to every device but this one (the sent transcript). Completes with the server's
   * answer: the single tick.
   */
  Future<SendMessageResponse> send(String destination, byte[] plaintext, MessageId id, long timestamp) {
    return send(destination, plaintext, id, timestamp, CallSignal.CALL_SIGNAL_NONE, true);
  }

  /**
   * As {@link #send(String, byte[], MessageId, long)}, marked as a call signal for the server.
   * {@code newId}: no earlier send used {@code id}, so the server need not look for one; false
   * for a send again of a message that may have been stored already (it is then stored once).
   */
  Future<SendMessageResponse> send(String destination, byte[] plaintext, MessageId id, long timestamp,
      CallSignal call, boolean newId) {
    return startSessions(destination).compose(v -> attempt(destination, plaintext, id, timestamp, call, newId, 1));
  }

  /**
   * Makes sure there is a session with each device of a number this device never talked to.
   * Not for the own number: fetching "*" would also take one of this device's own keys, so its
   * siblings are learned from the server's 409 instead.
   */
  Future<Void> startSessions(String destination) {
    if (destination.equals(ownNumber)) {
      return Future.succeededFuture();
    }
    return crypto.run(() -> usableSessions(destination).isEmpty()).compose(none -> none
        ? fetch(destination, "*").compose(bundles -> process(destination, bundles))
        : Future.succeededFuture());
  }

  private Future<SendMessageResponse> attempt(String destination, byte[] plaintext, MessageId id, long timestamp,
      CallSignal call, boolean newId, int attempt) {
    return crypto.run(() -> encrypt(destination, plaintext, id, timestamp, call, newId && attempt == 1))
        .compose(request -> api.call("PUT", "/v1/messages", request, SendMessageResponse.parser()))
        .recover(error -> {
          if (!(error instanceof RequestFailedException failed) || attempt >= MAX_ATTEMPTS) {
            return Future.failedFuture(error);
          }
          if (failed.status() == MISMATCHED_DEVICES && failed.error().hasMismatchedDevices()) {
            log.debug("{} - device list of {} changed: {}", Redact.device(ownNumber, ownDevice),
                Redact.number(destination), failed.error().getMismatchedDevices());
            return reconcile(destination, failed.error().getMismatchedDevices())
                .compose(v -> attempt(destination, plaintext, id, timestamp, call, newId, attempt + 1));
          }
          if (failed.status() == STALE_DEVICES && failed.error().hasStaleDevices()) {
            log.debug("{} - stale devices of {}: {}", Redact.device(ownNumber, ownDevice),
                Redact.number(destination), failed.error().getStaleDevices().getStaleDevicesList());
            return refresh(destination, failed.error().getStaleDevices())
                .compose(v -> attempt(destination, plaintext, id, timestamp, call, newId, attempt + 1));
          }
          return Future.failedFuture(error);
        });
  }

  /** One ciphertext per device with a session; all or nothing (a failure leaves no ratchet advanced). */
  private SendMessageRequest encrypt(String destination, byte[] plaintext, MessageId id, long timestamp,
      CallSignal call, boolean first) throws Exception {
    if (!store.identitiesOf(destination).stream().allMatch(IdentityFiles.KnownIdentity::isTrusted)) {
      throw new IdentityChangedException(destination);
    }
    return store.files().batch(() -> {
      SendMessageRequest.Builder request = SendMessageRequest.newBuilder()
          .setMessageId(id.bytes()).setDestination(destination).setTimestamp(timestamp).setCall(call)
          .setFirstAttempt(first);
      for (int device : usableSessions(destination)) {
        SessionCipher cipher = new SessionCipher(store, new SignalProtocolAddress(destination, device));
        CiphertextMessage ciphertext;
        try {
          ciphertext = cipher.encrypt(plaintext);
        } catch (UntrustedIdentityException e) {
          throw new IdentityChangedException(destination);
        }
        request.addMessages(OutgoingMessage.newBuilder()
            .setDeviceId(device)
            .setRegistrationId(cipher.getRemoteRegistrationId())
            .setType(ciphertext.getType() == CiphertextMessage.PREKEY_TYPE
                ? ContentType.PREKEY_MESSAGE : ContentType.SIGNAL_MESSAGE)
            .setContent(ByteString.copyFrom(ciphertext.serialize())));
      }
      return request.build();
    });
  }

  private Future<Void> reconcile(String destination, MismatchedDevices mismatch) {
    return crypto.run(() -> {
      for (int device : mismatch.getExtraDevicesList()) {
        store.deleteSession(new SignalProtocolAddress(destination, device));
      }
      return null;
    }).compose(v -> fetchEach(destination, mismatch.getMissingDevicesList()))
        .compose(bundles -> process(destination, bundles));
  }

  private Future<Void> refresh(String destination, StaleDevices stale) {
    return crypto.run(() -> {
      for (int device : stale.getStaleDevicesList()) {
        store.deleteSession(new SignalProtocolAddress(destination, device));
      }
      return null;
    }).compose(v -> fetchEach(destination, stale.getStaleDevicesList()))
        .compose(bundles -> process(destination, bundles));
  }

  private Future<List<PreKeyBundle>> fetchEach(String destination, List<Integer> devices) {
    List<Future<List<PreKeyBundle>>> fetches = new ArrayList<>();
    for (int device : devices) {
      fetches.add(fetch(destination, Integer.toString(device)));
    }
    return Future.all(fetches).map(all -> {
      List<PreKeyBundle> bundles = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        bundles.addAll(all.<List<PreKeyBundle>>resultAt(i));
      }
      return bundles;
    });
  }

  private Future<List<PreKeyBundle>> fetch(String destination, String device) {
    return api.call("GET", "/v1/keys/" + destination + "/" + device, Empty.getDefaultInstance(), PreKeyBundles.parser())
        .compose(answer -> proofs.check(destination, answer));
  }

  /**
   * Builds a session from each bundle (libsignal verifies the signatures). Every bundle is
   * processed, since each one-time key in them is gone from the server already; a changed
   * identity fails the whole step afterwards.
   */
  private Future<Void> process(String destination, List<PreKeyBundle> bundles) {
    return crypto.run(() -> {
      boolean identityChanged = false;
      for (PreKeyBundle bundle : bundles) {
        if (destination.equals(ownNumber) && bundle.getDeviceId() == ownDevice) {
          continue;
        }
        SignalProtocolAddress address = new SignalProtocolAddress(destination, bundle.getDeviceId());
        try {
          new SessionBuilder(store, address).process(KeyBundles.toLibsignal(bundle));
        } catch (UntrustedIdentityException e) {
          identityChanged = true;
        }
      }
      if (identityChanged) {
        throw new IdentityChangedException(destination);
      }
      return null;
    });
  }

  /** Devices of {@code destination} (never this device) holding a session that can encrypt. */
  private List<Integer> usableSessions(String destination) {
    List<Integer> devices = new ArrayList<>();
    for (int device : store.sessionDevices(destination)) {
      boolean isSelf = destination.equals(ownNumber) && device == ownDevice;
      if (!isSelf && store.containsSession(new SignalProtocolAddress(destination, device))) {
        devices.add(device);
      }
    }
    return devices;
  }
}
