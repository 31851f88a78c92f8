package org.sealpost.limits;

import java.time.Duration;

/**
 * Every rate limit, with its default. {@code limits.<id>.bucketSize} and
 * {@code limits.<id>.regenerateEvery} in the configuration override a default.
 */
public enum Limit {
  /** Verification codes requested for one number. */
  REGISTRATION_CODE_PER_NUMBER("registrationCodePerNumber", 3, Duration.ofMinutes(5)),
  /** Verification codes requested from one client address. */
  REGISTRATION_CODE_PER_IP("registrationCodePerIp", 20, Duration.ofMinutes(1)),
  /**
   * Verification codes requested for one number from one client address: less than the number's
   * own budget, so that one address cannot spend all of it and make the owner wait.
   */
  REGISTRATION_CODE_PER_IP_AND_NUMBER("registrationCodePerIpAndNumber", 2, Duration.ofMinutes(5)),
  /**
   * Code verification attempts in one registration session (wrong codes also void the session's
   * code after accounts.maxCodeAttempts). Per session, not per number: guesses from elsewhere
   * cannot use up the owner's attempts.
   */
  VERIFY_PER_SESSION("verifyPerSession", 10, Duration.ofMinutes(1)),
  /** Code verification attempts from one client address. */
  VERIFY_PER_IP("verifyPerIp", 50, Duration.ofSeconds(10)),
  /** Device link attempts for one account. */
  LINK_DEVICE_PER_NUMBER("linkDevicePerNumber", 10, Duration.ofMinutes(1)),
  /** Failed authentications from one client address. */
  AUTH_FAILURE_PER_IP("authFailurePerIp", 50, Duration.ofSeconds(1)),
  /** Messages sent by one device. */
  MESSAGES_PER_DEVICE("messagesPerDevice", 2000, Duration.ofNanos(500_000)),
  /**
   * Prekey bundle fetches by one device. Each fetch consumes another device's one-time keys, so
   * this bounds how fast one device can drain them: a burst for a group, then ten a second.
   */
  KEY_FETCH_PER_DEVICE("keyFetchPerDevice", 100, Duration.ofMillis(100)),
  /**
   * Prekey bundle fetches by one account (all its devices) of one other account's keys: a session
   * needs one, a reinstall or a new device of the other side a few more. Without it one account
   * could take all of a victim's one-time keys in one burst.
   */
  KEY_FETCH_PER_ACCOUNT_PAIR("keyFetchPerAccountPair", 10, Duration.ofMinutes(2)),
  /**
   * Prekey bundle fetches of one account's keys, by everyone together: many accounts working
   * together drain it no faster than this (a burst of new contacts, then one every 20 s).
   */
  KEY_FETCH_PER_TARGET("keyFetchPerTarget", 50, Duration.ofSeconds(20)),
  /**
   * Numbers one account may look up: each number in a contact upload that was not in its previous
   * upload, and each presence subscription to a number outside its contacts, takes one permit. A
   * whole address book at once, then one number every 30 s (2,880 a day): enough for real contact
   * lists, far too few to enumerate a numbering plan.
   */
  CONTACT_DISCOVERY_PER_ACCOUNT("contactDiscoveryPerAccount", 2000, Duration.ofSeconds(30)),
  /** Media uploads started by one account (a burst, then one every 10 s). */
  MEDIA_UPLOADS_PER_ACCOUNT("mediaUploadsPerAccount", 100, Duration.ofSeconds(10)),
  /**
   * The upload quota of one account, in MiB of ciphertext (a blob takes its size rounded up):
   * 2 GiB at once, then 1 MiB back every 40 s (about 2 GiB a day).
   */
  MEDIA_UPLOAD_MEBIBYTES_PER_ACCOUNT("mediaUploadMebibytesPerAccount", 2048, Duration.ofSeconds(40)),
  /** Exports of one account's data: each reads every group and media record, so a few an hour. */
  ACCOUNT_EXPORT_PER_ACCOUNT("accountExportPerAccount", 5, Duration.ofMinutes(10));

  private final String id;
  private final RateLimitConfig defaults;

  Limit(String id, int bucketSize, Duration regenerateEvery) {
    this.id = id;
    this.defaults = new RateLimitConfig(bucketSize, regenerateEvery);
  }

  public String id() {
    return id;
  }

  public RateLimitConfig defaults() {
    return defaults;
  }
}
