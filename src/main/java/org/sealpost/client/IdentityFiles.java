package org.sealpost.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.IdentityKeyStore.IdentityChange;

/**
 * Other devices' identity keys, one file per device address, trusted on first use. A different
 * key later offered for a known address is not trusted: it is kept as pending until the user
 * accepts the new safety number ({@link #trustPending}), so a contact who re-registered shows up
 * as a safety-number change instead of being silently re-keyed. Part of {@link FileProtocolStore},
 * with its threading.
 */
final class IdentityFiles {
  private static final String TRUSTED = "identities";
  private static final String PENDING = "identities-pending";

  private final StateFiles files;
  /** Numbers whose pending (untrusted) identity changed since the last {@link #drainChanges}. */
  private final Set<String> changes = new LinkedHashSet<>();

  IdentityFiles(StateFiles files) {
    this.files = files;
  }

  /** The identity of one known device; a pending key is not trusted yet. */
  record KnownIdentity(int deviceId, IdentityKey key, boolean isTrusted) {}

  /** Trusts {@code key} for {@code address} (first use, or the user accepted it), dropping any pending one. */
  IdentityChange save(SignalProtocolAddress address, IdentityKey key) {
    Optional<IdentityKey> known = identityAt(TRUSTED, Addresses.fileName(address));
    if (known.isPresent() && known.get().equals(key)) {
      return IdentityChange.NEW_OR_UNCHANGED;
    }
    files.write(TRUSTED + "/" + Addresses.fileName(address), key.serialize());
    files.delete(PENDING + "/" + Addresses.fileName(address));
    return known.isPresent() ? IdentityChange.REPLACED_EXISTING : IdentityChange.NEW_OR_UNCHANGED;
  }

  /** True for an unknown address or its trusted key; any other key becomes the address's pending one. */
  boolean isTrusted(SignalProtocolAddress address, IdentityKey key) {
    String name = Addresses.fileName(address);
    Optional<IdentityKey> known = identityAt(TRUSTED, name);
    if (known.isEmpty() || known.get().equals(key)) {
      return true;
    }
    Optional<IdentityKey> pending = identityAt(PENDING, name);
    if (pending.isEmpty() || !pending.get().equals(key)) {
      // Written through: the operation that asked is about to fail and discard its batch.
      files.writeNow(PENDING + "/" + name, key.serialize());
      changes.add(address.getName());
    }
    return false;
  }

  Optional<IdentityKey> trusted(SignalProtocolAddress address) {
    return identityAt(TRUSTED, Addresses.fileName(address));
  }

  /** Numbers that offered a new, untrusted identity since the last call. */
  List<String> drainChanges() {
    List<String> changed = new ArrayList<>(changes);
    changes.clear();
    return changed;
  }

  /** Accepts every pending identity of {@code number}; returns the device ids whose key changed. */
  List<Integer> trustPending(String number) {
    List<Integer> devices = new ArrayList<>();
    for (String file : files.list(PENDING)) {
      if (file.startsWith(Addresses.prefix(number))) {
        int deviceId = Addresses.deviceId(file);
        identityAt(PENDING, file).ifPresent(key -> {
          save(new SignalProtocolAddress(number, deviceId), key);
          devices.add(deviceId);
        });
        files.delete(PENDING + "/" + file);
      }
    }
    return devices;
  }

  /** The identity of each known device of {@code number}: a pending (untrusted) key wins over the trusted one. */
  List<KnownIdentity> of(String number) {
    List<KnownIdentity> known = new ArrayList<>();
    Set<Integer> devices = new TreeSet<>();
    for (String dir : List.of(TRUSTED, PENDING)) {
      for (String file : files.list(dir)) {
        if (file.startsWith(Addresses.prefix(number)) && Addresses.deviceId(file) > 0) {
          devices.add(Addresses.deviceId(file));
        }
      }
    }
    for (int device : devices) {
      String file = Addresses.fileName(number, device);
      Optional<IdentityKey> pending = identityAt(PENDING, file);
      Optional<IdentityKey> trusted = identityAt(TRUSTED, file);
      pending.or(() -> trusted).ifPresent(key -> known.add(new KnownIdentity(device, key, pending.isEmpty())));
    }
    return known;
  }

  private Optional<IdentityKey> identityAt(String dir, String file) {
    return files.read(dir + "/" + file).map(bytes -> {
      try {
        return new IdentityKey(bytes);
      } catch (InvalidKeyException e) {
        throw new IllegalStateException(dir + "/" + file + " is damaged", e);
      }
    });
  }
}
