package org.sealpost.client;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.nio.file.Path;
import org.sealpost.client.proto.KeyLogState;
import org.sealpost.client.proto.LocalAccount;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.KeyLogKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.util.KeyHelper;

/** A state directory locked for a device that is being created, with its new identity. */
record Enrollment(StateLock lock, StateFiles files, IdentityKeyPair identity, int registrationId) {
  /** Locks {@code stateDir} and makes the identity; fails when the directory holds an account already. */
  static Enrollment prepare(Path stateDir) {
    StateLock lock = StateLock.acquire(stateDir);
    StateFiles files = new StateFiles(stateDir);
    if (FileProtocolStore.exists(files)) {
      lock.close();
      throw new IllegalStateException(stateDir + " already holds an account");
    }
    return new Enrollment(lock, files, IdentityKeyPair.generate(), KeyHelper.generateRegistrationId(false));
  }

  /**
   * Keeps the device the server created, with the identity made here and the key log's key
   * pinned (written first: the account file is what makes the directory a device).
   */
  FileProtocolStore save(DeviceCredentials credentials, URI server, KeyLogKey logKey) {
    LogKeyPin.decode(logKey.getPublicKey().toByteArray());
    new KeyLogStateFile(files).update(state -> KeyLogState.newBuilder().setLogKey(logKey.getPublicKey()).build());
    return FileProtocolStore.create(files, LocalAccount.newBuilder()
        .setNumber(credentials.getNumber())
        .setDeviceId(credentials.getDeviceId())
        .setPassword(credentials.getPassword())
        .setServerUrl(server.toString())
        .setRegistrationId(registrationId)
        .setIdentityKeyPair(ByteString.copyFrom(identity.serialize()))
        .setNextPreKeyId(1)
        .setNextKyberPreKeyId(1)
        .setNextSignedPreKeyId(1)
        .build());
  }
}
