package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.BLOCKS;
import static org.sealpost.store.embedded.ColumnFamily.CONTACTS;
import static org.sealpost.store.embedded.ColumnFamily.PRIVACY;

import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.proto.ContactsRecord;

/**
 * Privacy settings ({@link ColumnFamily#PRIVACY}), contact lists ({@link ColumnFamily#CONTACTS},
 * one record per owner, so a replace is one put) and block entries ({@link ColumnFamily#BLOCKS},
 * blocker 0x00 blocked, so one blocker's list is a prefix scan and a check is one get).
 */
public final class EmbeddedPrivacyStore implements PrivacyStore {
  private static final byte[] PRESENT = new byte[0];

  private final EmbeddedDatabase db;
  private final Records<String, PrivacySettings> privacy;
  private final Records<String, ContactsRecord> contacts;

  public EmbeddedPrivacyStore(EmbeddedDatabase db) {
    this.db = db;
    this.privacy = new Records<>(db, PRIVACY, Keys::text, PrivacySettings.parser());
    this.contacts = new Records<>(db, CONTACTS, Keys::text, ContactsRecord.parser());
  }

  @Override
  public Future<Optional<PrivacySettings>> settings(String number) {
    return privacy.get(number);
  }

  @Override
  public Future<Void> putSettings(String number, PrivacySettings settings) {
    return privacy.put(number, settings);
  }

  @Override
  public Future<List<String>> contacts(String owner) {
    return contacts.get(owner)
        .map(found -> found.map(record -> List.copyOf(record.getNumbersList())).orElse(List.of()));
  }

  @Override
  public Future<Void> replaceContacts(String owner, Collection<String> numbers) {
    return contacts.put(owner,
        ContactsRecord.newBuilder().addAllNumbers(new LinkedHashSet<>(numbers)).build());
  }

  @Override
  public Future<Void> block(String blocker, String blocked) {
    return db.write(txn -> {
      txn.put(BLOCKS, entry(blocker, blocked), PRESENT);
      return null;
    });
  }

  @Override
  public Future<Void> unblock(String blocker, String blocked) {
    return db.write(txn -> {
      txn.delete(BLOCKS, entry(blocker, blocked));
      return null;
    });
  }

  @Override
  public Future<Boolean> isBlocked(String blocker, String blocked) {
    return db.read(reader -> reader.get(BLOCKS, entry(blocker, blocked)) != null);
  }

  @Override
  public Future<List<String>> blocked(String blocker) {
    byte[] prefix = prefix(blocker);
    return db.read(reader -> {
      List<String> numbers = new ArrayList<>();
      reader.scanKeys(BLOCKS, prefix, prefix, key -> {
        numbers.add(new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8));
        return true;
      });
      return numbers;
    });
  }

  /**
   * One write, so a reader never sees the settings gone but the blocks still there. A block list
   * is one person's, small enough for one batch (unlike a queue, see {@link PagedDeletion}); the
   * scan runs inside the write so it also sees blocks added earlier in the same group commit.
   */
  @Override
  public Future<Void> clear(String number) {
    byte[] prefix = prefix(number);
    return db.write(txn -> {
      privacy.delete(txn, number);
      contacts.delete(txn, number);
      List<byte[]> blocks = new ArrayList<>();
      txn.scanKeys(BLOCKS, prefix, prefix, key -> blocks.add(key));
      blocks.forEach(key -> txn.delete(BLOCKS, key));
      return null;
    });
  }

  private static byte[] prefix(String blocker) {
    byte[] number = Keys.text(blocker);
    return ByteBuffer.allocate(number.length + 1).put(number).put(Keys.SEPARATOR).array();
  }

  private static byte[] entry(String blocker, String blocked) {
    byte[] prefix = prefix(blocker);
    byte[] other = Keys.text(blocked);
    return ByteBuffer.allocate(prefix.length + other.length).put(prefix).put(other).array();
  }
}
