package org.sealpost.accounts;

import io.vertx.core.Future;

/** Delivers a verification code to a phone (SMS gateway, voice, ...). */
public interface VerificationSender {
  Future<Void> send(String number, String code);
}
