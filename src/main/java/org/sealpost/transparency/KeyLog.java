package org.sealpost.transparency;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.SignedTreeHead;

/**
 * The key log (key transparency) as the rest of the server uses it: it records every identity key
 * a device gets and every device that goes, and proves to clients that a key they are handed is
 * the one the log holds for that device. {@link StoredKeyLog} is the log; tests wrap it to play a
 * dishonest server.
 */
public interface KeyLog {

  /**
   * Appends "from now on {@code device} has {@code identityKey}" (empty: the device is gone),
   * unless that is already the device's current entry. Completes once the entry is durable.
   */
  Future<Void> record(DeviceKey device, ByteString identityKey);

  /**
   * The current entries of {@code number}'s devices for the keys about to be handed out ({@code
   * keys}: device id to identity key), each with its audit path to one signed head. Fails with
   * UNAVAILABLE when a key is not the one the log holds for its device: the server never hands out
   * a key it has not logged.
   */
  Future<ProvedKeys> prove(String number, Map<Integer, ByteString> keys);

  /** The current entries of the listed devices of {@code number} that have a key, proved as above. */
  Future<ProvedKeys> current(String number, List<Integer> deviceIds);

  /** The latest signed tree head. */
  Future<SignedTreeHead> head();

  /** RFC 9162's proof that the tree of {@code newSize} entries extends the one of {@code oldSize}. */
  Future<ConsistencyProof> consistency(long oldSize, long newSize);

  /** Entries from {@code from} on, a page at a time, for monitors (keylog.proto, KeyLogEntries). */
  Future<KeyLogEntries> entries(long from);

  /** The public key heads are signed with. */
  KeyLogKey publicKey();

  /**
   * Entries with their audit paths to {@code head}.
   *
   * @param entries by device id
   */
  record ProvedKeys(SignedTreeHead head, Map<Integer, LoggedKey> entries) {}
}
