package org.sealpost.client;

import com.google.protobuf.Empty;
import io.vertx.core.Future;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKeys;
import org.sealpost.protocol.SignedTreeHead;

/** {@link KeyLogServer} on the Sealpost server, through {@link ServerApi}. */
final class ServerKeyLog implements KeyLogServer {
  private static final Empty NONE = Empty.getDefaultInstance();
  private final ServerApi api;
  private final RestClient rest;

  ServerKeyLog(ServerApi api, RestClient rest) {
    this.api = api;
    this.rest = rest;
  }

  @Override
  public Future<KeyLogKey> key() {
    return rest.keyLogKey();
  }

  @Override
  public Future<SignedTreeHead> head() {
    return api.call("GET", "/v1/keylog/head", NONE, SignedTreeHead.parser());
  }

  @Override
  public Future<ConsistencyProof> consistency(long oldSize, long newSize) {
    return api.call("GET", "/v1/keylog/consistency/" + oldSize + "/" + newSize, NONE, ConsistencyProof.parser());
  }

  @Override
  public Future<KeyLogEntries> entries(long from) {
    return api.call("GET", "/v1/keylog/entries/" + from, NONE, KeyLogEntries.parser());
  }

  @Override
  public Future<LoggedKeys> devices(String number) {
    return api.call("GET", "/v1/keylog/devices/" + number, NONE, LoggedKeys.parser());
  }
}
