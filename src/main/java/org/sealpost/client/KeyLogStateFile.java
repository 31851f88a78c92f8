package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.function.UnaryOperator;
import org.sealpost.client.proto.KeyLogState;

/**
 * What this device knows of the server's key log ({@link KeyLogState}: the pinned log key, the
 * latest verified head, how far the monitor audited), kept in the state directory as
 * {@value #PATH} and written atomically through {@link StateFiles}, like the account. The head
 * verifier and the monitor share this one copy, so neither overwrites the other's part.
 *
 * <p>Blocking and not thread-safe: used only from the owning client's crypto worker.
 */
final class KeyLogStateFile {
  static final String PATH = "keylog.pb";

  private final StateFiles files;
  private KeyLogState state;

  KeyLogStateFile(StateFiles files) {
    this.files = files;
  }

  /** The state as last saved; the default (nothing pinned, nothing seen) when there is none yet. */
  KeyLogState get() {
    if (state == null) {
      state = files.read(PATH).map(bytes -> {
        try {
          return KeyLogState.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException(files.root() + "/" + PATH + " is damaged", e);
        }
      }).orElse(KeyLogState.getDefaultInstance());
    }
    return state;
  }

  /** Saves {@code change} applied to the current state (written through, even inside a batch); returns it. */
  KeyLogState update(UnaryOperator<KeyLogState> change) {
    KeyLogState next = change.apply(get());
    files.writeNow(PATH, next.toByteArray());
    state = next;
    return next;
  }
}
