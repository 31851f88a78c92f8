package org.sealpost.errors;

import org.sealpost.protocol.ErrorBody;

/**
 * An expected failure with a client-visible code. Skips the stack trace: these are answers,
 * not bugs. The edges (gateway, event-bus replies) turn it into a status and an {@link ErrorBody}.
 */
public class SealpostException extends RuntimeException {
  private final ErrorCode code;

  public SealpostException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The body sent to the client; subclasses add their data. */
  public ErrorBody toBody() {
    return ErrorBody.newBuilder().setCode(code.name()).setMessage(getMessage()).build();
  }

  public static SealpostException badRequest(String message) {
    return new SealpostException(ErrorCode.BAD_REQUEST, message);
  }

  public static SealpostException unauthorized(String message) {
    return new SealpostException(ErrorCode.UNAUTHORIZED, message);
  }

  public static SealpostException forbidden(String message) {
    return new SealpostException(ErrorCode.FORBIDDEN, message);
  }

  public static SealpostException notFound(String message) {
    return new SealpostException(ErrorCode.NOT_FOUND, message);
  }

  public static SealpostException tooLarge(String message) {
    return new SealpostException(ErrorCode.TOO_LARGE, message);
  }
}
