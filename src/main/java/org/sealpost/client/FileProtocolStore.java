package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.sealpost.client.proto.LocalAccount;
import org.sealpost.client.proto.UsedBaseKeys;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.groups.state.SenderKeyRecord;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * libsignal's protocol state for one device, kept as files in its state directory (one file per
 * record, see {@link StateFiles}) so it survives restarts.
 *
 * <p>Identities are trusted on first use per device address ({@link IdentityFiles}). A different
 * key later offered for a known address is not trusted: {@link #isTrustedIdentity} answers false
 * (libsignal then throws {@code UntrustedIdentityException}), and the key is kept as pending until
 * the user accepts the new safety number with {@link #trustPending}.
 *
 * <p>One-time EC prekeys are deleted by libsignal through {@link #removePreKey}; one-time Kyber
 * prekeys are deleted here in {@link #markKyberPreKeyUsed}, while last-resort Kyber keys stay and
 * instead remember the base keys used with them, so a replayed PreKey message is refused.
 *
 * <p>Blocking and not thread-safe: libsignal's ciphers are not either, so every use goes through
 * the owning client's single crypto worker.
 *
 * <p>Apart from the identities, which carry a trust policy of their own, this stays one class: its
 * length is libsignal's {@link SignalProtocolStore} interface, each method a record kept as a file.
 */
final class FileProtocolStore implements SignalProtocolStore {
  /** libsignal prekey ids are 24-bit ("Medium") values. */
  static final int MAX_KEY_ID = 0xFFFFFF;

  private static final String ACCOUNT = "account.pb";
  private static final String PRE_KEYS = "prekeys";
  private static final String SIGNED_PRE_KEYS = "signed-prekeys";
  private static final String KYBER_PRE_KEYS = "kyber-prekeys";
  private static final String LAST_RESORT_KYBER_PRE_KEYS = "kyber-last-resort";
  private static final String LAST_RESORT_BASE_KEYS = "kyber-last-resort-used";
  private static final String SESSIONS = "sessions";
  private static final String SENDER_KEYS = "sender-keys";

  private final StateFiles files;
  private LocalAccount account;
  private IdentityKeyPair identity;
  private final IdentityFiles identities;

  private FileProtocolStore(StateFiles files, LocalAccount account) {
    this.files = files;
    this.identities = new IdentityFiles(files);
    setAccount(account);
  }

  /** Creates the state of a new device; refuses a directory that already holds one. */
  static FileProtocolStore create(StateFiles files, LocalAccount account) {
    if (files.exists(ACCOUNT)) {
      throw new IllegalStateException(files.root() + " already holds an account");
    }
    files.write(ACCOUNT, account.toByteArray());
    return new FileProtocolStore(files, account);
  }

  /** Loads a device's state; fails when the directory holds none. */
  static FileProtocolStore load(StateFiles files) {
    byte[] bytes = files.read(ACCOUNT)
        .orElseThrow(() -> new IllegalStateException("no account in " + files.root() + ": register first"));
    try {
      return new FileProtocolStore(files, LocalAccount.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(files.root() + "/" + ACCOUNT + " is damaged", e);
    }
  }

  static boolean exists(StateFiles files) {
    return files.exists(ACCOUNT);
  }

  StateFiles files() {
    return files;
  }

  LocalAccount account() {
    return account;
  }

  void updateAccount(LocalAccount updated) {
    files.write(ACCOUNT, updated.toByteArray());
    setAccount(updated);
  }

  private void setAccount(LocalAccount updated) {
    try {
      identity = new IdentityKeyPair(updated.getIdentityKeyPair().toByteArray());
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("the stored identity key pair is damaged", e);
    }
    account = updated;
  }

  // ------------------------------------------------------------------ identities

  @Override
  public IdentityKeyPair getIdentityKeyPair() {
    return identity;
  }

  @Override
  public int getLocalRegistrationId() {
    return account.getRegistrationId();
  }

  @Override
  public IdentityChange saveIdentity(SignalProtocolAddress address, IdentityKey key) {
    return identities.save(address, key);
  }

  @Override
  public boolean isTrustedIdentity(SignalProtocolAddress address, IdentityKey key, Direction direction) {
    return identities.isTrusted(address, key);
  }

  @Override
  public IdentityKey getIdentity(SignalProtocolAddress address) {
    return identities.trusted(address).orElse(null);
  }

  /** Numbers that offered a new, untrusted identity since the last call. */
  List<String> drainIdentityChanges() {
    return identities.drainChanges();
  }

  /** Accepts every pending identity of {@code number}; returns the device ids whose key changed. */
  List<Integer> trustPending(String number) {
    return identities.trustPending(number);
  }

  /** The identity of each known device of {@code number}: a pending (untrusted) key wins over the trusted one. */
  List<IdentityFiles.KnownIdentity> identitiesOf(String number) {
    return identities.of(number);
  }

  // ------------------------------------------------------------------ key ids

  /** Reserves {@code count} consecutive EC prekey ids (wrapping within libsignal's 24-bit range). */
  int reservePreKeyIds(int count) {
    int first = validId(account.getNextPreKeyId());
    updateAccount(account.toBuilder().setNextPreKeyId(nextId(first, count)).build());
    return first;
  }

  int reserveKyberPreKeyIds(int count) {
    int first = validId(account.getNextKyberPreKeyId());
    updateAccount(account.toBuilder().setNextKyberPreKeyId(nextId(first, count)).build());
    return first;
  }

  int reserveSignedPreKeyId() {
    int id = validId(account.getNextSignedPreKeyId());
    updateAccount(account.toBuilder().setNextSignedPreKeyId(nextId(id, 1)).build());
    return id;
  }

  /** The id {@code offset} places after {@code first}, wrapping past the 24-bit range to 1. */
  static int idAt(int first, int offset) {
    return (int) ((first - 1L + offset) % MAX_KEY_ID) + 1;
  }

  private static int validId(int id) {
    return id < 1 || id > MAX_KEY_ID ? 1 : id;
  }

  private static int nextId(int first, int count) {
    return idAt(first, count);
  }

  // ------------------------------------------------------------------ one-time EC prekeys

  @Override
  public PreKeyRecord loadPreKey(int preKeyId) throws InvalidKeyIdException {
    byte[] bytes = files.read(PRE_KEYS + "/" + preKeyId)
        .orElseThrow(() -> new InvalidKeyIdException("no prekey " + preKeyId));
    try {
      return new PreKeyRecord(bytes);
    } catch (InvalidMessageException e) {
      throw new IllegalStateException("prekey " + preKeyId + " is damaged", e);
    }
  }

  @Override
  public void storePreKey(int preKeyId, PreKeyRecord record) {
    files.write(PRE_KEYS + "/" + preKeyId, record.serialize());
  }

  @Override
  public boolean containsPreKey(int preKeyId) {
    return files.exists(PRE_KEYS + "/" + preKeyId);
  }

  @Override
  public void removePreKey(int preKeyId) {
    files.delete(PRE_KEYS + "/" + preKeyId);
  }

  int preKeyCount() {
    return files.list(PRE_KEYS).size();
  }

  // ------------------------------------------------------------------ signed EC prekeys

  @Override
  public SignedPreKeyRecord loadSignedPreKey(int signedPreKeyId) throws InvalidKeyIdException {
    byte[] bytes = files.read(SIGNED_PRE_KEYS + "/" + signedPreKeyId)
        .orElseThrow(() -> new InvalidKeyIdException("no signed prekey " + signedPreKeyId));
    try {
      return new SignedPreKeyRecord(bytes);
    } catch (InvalidMessageException e) {
      throw new IllegalStateException("signed prekey " + signedPreKeyId + " is damaged", e);
    }
  }

  @Override
  public List<SignedPreKeyRecord> loadSignedPreKeys() {
    List<SignedPreKeyRecord> records = new ArrayList<>();
    for (String file : files.list(SIGNED_PRE_KEYS)) {
      try {
        records.add(loadSignedPreKey(Integer.parseInt(file)));
      } catch (InvalidKeyIdException | NumberFormatException e) {
        // listed a moment ago or not ours: nothing to load
      }
    }
    return records;
  }

  @Override
  public void storeSignedPreKey(int signedPreKeyId, SignedPreKeyRecord record) {
    files.write(SIGNED_PRE_KEYS + "/" + signedPreKeyId, record.serialize());
  }

  @Override
  public boolean containsSignedPreKey(int signedPreKeyId) {
    return files.exists(SIGNED_PRE_KEYS + "/" + signedPreKeyId);
  }

  @Override
  public void removeSignedPreKey(int signedPreKeyId) {
    files.delete(SIGNED_PRE_KEYS + "/" + signedPreKeyId);
  }

  // ------------------------------------------------------------------ Kyber prekeys

  @Override
  public KyberPreKeyRecord loadKyberPreKey(int kyberPreKeyId) throws InvalidKeyIdException {
    byte[] bytes = files.read(KYBER_PRE_KEYS + "/" + kyberPreKeyId)
        .or(() -> files.read(LAST_RESORT_KYBER_PRE_KEYS + "/" + kyberPreKeyId))
        .orElseThrow(() -> new InvalidKeyIdException("no Kyber prekey " + kyberPreKeyId));
    try {
      return new KyberPreKeyRecord(bytes);
    } catch (InvalidMessageException e) {
      throw new IllegalStateException("Kyber prekey " + kyberPreKeyId + " is damaged", e);
    }
  }

  @Override
  public List<KyberPreKeyRecord> loadKyberPreKeys() {
    List<KyberPreKeyRecord> records = new ArrayList<>();
    for (String dir : List.of(KYBER_PRE_KEYS, LAST_RESORT_KYBER_PRE_KEYS)) {
      for (String file : files.list(dir)) {
        try {
          records.add(loadKyberPreKey(Integer.parseInt(file)));
        } catch (InvalidKeyIdException | NumberFormatException e) {
          // listed a moment ago or not ours: nothing to load
        }
      }
    }
    return records;
  }

  /** Stores a one-time Kyber prekey, deleted on first use. */
  @Override
  public void storeKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
    files.write(KYBER_PRE_KEYS + "/" + kyberPreKeyId, record.serialize());
  }

  /** Stores a last-resort Kyber prekey: the server hands it out when one-time keys ran out, so it is never deleted on use. */
  void storeLastResortKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
    files.write(LAST_RESORT_KYBER_PRE_KEYS + "/" + kyberPreKeyId, record.serialize());
  }

  @Override
  public boolean containsKyberPreKey(int kyberPreKeyId) {
    return files.exists(KYBER_PRE_KEYS + "/" + kyberPreKeyId)
        || files.exists(LAST_RESORT_KYBER_PRE_KEYS + "/" + kyberPreKeyId);
  }

  @Override
  public void markKyberPreKeyUsed(int kyberPreKeyId, int signedPreKeyId, ECPublicKey baseKey)
      throws ReusedBaseKeyException {
    if (files.exists(KYBER_PRE_KEYS + "/" + kyberPreKeyId)) {
      files.delete(KYBER_PRE_KEYS + "/" + kyberPreKeyId);
      return;
    }
    String used = LAST_RESORT_BASE_KEYS + "/" + kyberPreKeyId + "." + signedPreKeyId;
    UsedBaseKeys seen = files.read(used).map(bytes -> {
      try {
        return UsedBaseKeys.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(used + " is damaged", e);
      }
    }).orElse(UsedBaseKeys.getDefaultInstance());
    ByteString key = ByteString.copyFrom(baseKey.serialize());
    if (seen.getBaseKeysList().contains(key)) {
      throw new ReusedBaseKeyException("base key already used with last-resort Kyber prekey " + kyberPreKeyId);
    }
    files.write(used, seen.toBuilder().addBaseKeys(key).build().toByteArray());
  }

  int kyberPreKeyCount() {
    return files.list(KYBER_PRE_KEYS).size();
  }

  // ------------------------------------------------------------------ sessions

  @Override
  public SessionRecord loadSession(SignalProtocolAddress address) {
    return session(address).orElseGet(SessionRecord::new);
  }

  @Override
  public List<SessionRecord> loadExistingSessions(List<SignalProtocolAddress> addresses) throws NoSessionException {
    List<SessionRecord> records = new ArrayList<>(addresses.size());
    for (SignalProtocolAddress address : addresses) {
      records.add(session(address).orElseThrow(() -> new NoSessionException("no session with " + address)));
    }
    return records;
  }

  /** Device ids other than the primary's (1) that hold a session with {@code name}, as libsignal defines it. */
  @Override
  public List<Integer> getSubDeviceSessions(String name) {
    List<Integer> devices = sessionDevices(name);
    devices.remove(Integer.valueOf(1));
    return devices;
  }

  /** Every device id of {@code name} with a session, the primary included. */
  List<Integer> sessionDevices(String name) {
    List<Integer> devices = new ArrayList<>();
    for (String file : files.list(SESSIONS)) {
      if (file.startsWith(Addresses.prefix(name)) && Addresses.deviceId(file) > 0) {
        devices.add(Addresses.deviceId(file));
      }
    }
    return devices;
  }

  @Override
  public void storeSession(SignalProtocolAddress address, SessionRecord record) {
    files.write(SESSIONS + "/" + Addresses.fileName(address), record.serialize());
  }

  @Override
  public boolean containsSession(SignalProtocolAddress address) {
    return session(address).map(record -> record.hasSenderChain()).orElse(false);
  }

  @Override
  public void deleteSession(SignalProtocolAddress address) {
    files.delete(SESSIONS + "/" + Addresses.fileName(address));
  }

  @Override
  public void deleteAllSessions(String name) {
    for (int device : sessionDevices(name)) {
      files.delete(SESSIONS + "/" + Addresses.fileName(name, device));
    }
  }

  private Optional<SessionRecord> session(SignalProtocolAddress address) {
    return files.read(SESSIONS + "/" + Addresses.fileName(address)).map(bytes -> {
      try {
        return new SessionRecord(bytes);
      } catch (InvalidMessageException e) {
        throw new IllegalStateException("session with " + address + " is damaged", e);
      }
    });
  }

  // ------------------------------------------------------------------ sender keys (groups)

  @Override
  public void storeSenderKey(SignalProtocolAddress sender, UUID distributionId, SenderKeyRecord record) {
    files.write(SENDER_KEYS + "/" + Addresses.fileName(sender) + "." + distributionId, record.serialize());
  }

  @Override
  public SenderKeyRecord loadSenderKey(SignalProtocolAddress sender, UUID distributionId) {
    return files.read(SENDER_KEYS + "/" + Addresses.fileName(sender) + "." + distributionId).map(bytes -> {
      try {
        return new SenderKeyRecord(bytes);
      } catch (InvalidMessageException e) {
        throw new IllegalStateException("sender key of " + sender + " is damaged", e);
      }
    }).orElse(null);
  }

  /** Forgets a sender key (this device's own, when it rotates it: the next create makes a new one). */
  void deleteSenderKey(SignalProtocolAddress sender, UUID distributionId) {
    files.delete(SENDER_KEYS + "/" + Addresses.fileName(sender) + "." + distributionId);
  }
}
