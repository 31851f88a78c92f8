package org.sealpost.accounts;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development provider: writes the code to the server log. This is the one place a full
 * number and a code are logged, on purpose: showing them is its whole job.
 */
public final class ConsoleVerificationSender implements VerificationSender {
  private static final Logger log = LoggerFactory.getLogger(ConsoleVerificationSender.class);

  @Override
  public Future<Void> send(String number, String code) {
    log.info("verification code for {} is {}", number, code);
    return Future.succeededFuture();
  }
}
