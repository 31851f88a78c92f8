package org.sealpost.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.signal.libsignal.protocol.fingerprint.Fingerprint;
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator;

/**
 * Safety numbers the way Signal computes them: libsignal's numeric fingerprint, version 2,
 * 5200 hash iterations, each side identified by its phone number. The two halves are sorted, so
 * both devices of a pair show the same 60 digits.
 */
final class SafetyNumbers {
  static final int VERSION = 2;
  static final int ITERATIONS = 5200;

  private SafetyNumbers() {}

  /** One safety number per device of {@code number} whose identity this device knows. */
  static List<SafetyNumber> of(FileProtocolStore store, String localNumber, String number) {
    NumericFingerprintGenerator generator = new NumericFingerprintGenerator(ITERATIONS);
    List<SafetyNumber> numbers = new ArrayList<>();
    for (IdentityFiles.KnownIdentity known : store.identitiesOf(number)) {
      Fingerprint fingerprint = generator.createFor(VERSION,
          localNumber.getBytes(StandardCharsets.UTF_8), store.getIdentityKeyPair().getPublicKey(),
          number.getBytes(StandardCharsets.UTF_8), known.key());
      numbers.add(new SafetyNumber(number, known.deviceId(), fingerprint.getDisplayableFingerprint().getDisplayText(),
          known.isTrusted()));
    }
    return numbers;
  }
}
