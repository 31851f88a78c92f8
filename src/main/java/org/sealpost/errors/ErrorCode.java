package org.sealpost.errors;

/** Every error a client can see, with the status code it travels under (frames and HTTP alike). */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  /** The recipient blocked the sender (messages and typing are refused). */
  BLOCKED(403),
  /** A group already has its maximum number of members. */
  GROUP_FULL(403),
  NOT_FOUND(404),
  MISMATCHED_DEVICES(409),
  /** A compare-and-set lost: the record changed since the version the client named. */
  VERSION_CONFLICT(409),
  /** A request that conflicts with the resource's state (media: an upload offset that differs from the server's). */
  CONFLICT(409),
  STALE_DEVICES(410),
  PRECONDITION_FAILED(412),
  TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  RANGE_NOT_SATISFIABLE(416),
  UNPROCESSABLE(422),
  RATE_LIMITED(429),
  INTERNAL(500),
  UNAVAILABLE(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The code for a status received from elsewhere (an event-bus failure, a response). */
  public static ErrorCode ofStatus(int status) {
    for (ErrorCode code : values()) {
      if (code.status == status) {
        return code;
      }
    }
    return status >= 500 ? INTERNAL : BAD_REQUEST;
  }
}
