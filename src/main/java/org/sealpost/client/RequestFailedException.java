package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.Response;

/** The server answered a request with an error status; {@link #error()} has its details. */
public final class RequestFailedException extends RuntimeException {
  private final int status;
  private final ErrorBody error;

  public RequestFailedException(int status, ErrorBody error) {
    super(status + " " + error.getCode() + ": " + error.getMessage(), null, false, false);
    this.status = status;
    this.error = error;
  }

  static RequestFailedException of(Response response) {
    ErrorBody body;
    try {
      body = ErrorBody.parseFrom(response.getBody());
    } catch (InvalidProtocolBufferException e) {
      body = ErrorBody.newBuilder().setMessage(response.getReason()).build();
    }
    return new RequestFailedException(response.getStatus(), body);
  }

  public int status() {
    return status;
  }

  public ErrorBody error() {
    return error;
  }
}
