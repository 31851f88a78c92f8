package org.sealpost.bench;

import java.util.Optional;
import org.sealpost.client.RequestFailedException;

/**
 * What the bench says when a server refuses it: a bench registers many accounts and opens many
 * connections from one address, which a server with its default limits rightly refuses, so the
 * answer names the settings the server needs (those {@code scripts/bench-server.sh} applies).
 */
final class ServerRefusals {
  /** The server settings a bench needs, as environment variables. */
  static final String BENCH_SETTINGS = String.join(" \\\n  ",
      "SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_BUCKET_SIZE=1000000",
      "SEALPOST_LIMITS_REGISTRATION_CODE_PER_NUMBER_BUCKET_SIZE=1000000",
      "SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_AND_NUMBER_BUCKET_SIZE=1000000",
      "SEALPOST_LIMITS_VERIFY_PER_IP_BUCKET_SIZE=1000000",
      "SEALPOST_LIMITS_KEY_FETCH_PER_TARGET_BUCKET_SIZE=1000000",
      "SEALPOST_LIMITS_KEY_FETCH_PER_ACCOUNT_PAIR_BUCKET_SIZE=1000000",
      "SEALPOST_GATEWAY_MAX_UNAUTHENTICATED_PER_IP=0",
      "SEALPOST_GATEWAY_MAX_HTTP_CONNECTIONS_PER_IP=0");

  private ServerRefusals() {}

  /** The explanation for a failed bench, when the server refused it in a way settings fix. */
  static Optional<String> explain(Throwable failure, String prefix, String code) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RequestFailedException refused) {
        if (refused.status() == 429) {
          return Optional.of("bench: the server rate-limited the bench (" + refused.getMessage() + ").\n"
              + "A bench registers and connects many accounts from one address; start the server with its limits"
              + " raised for the bench, e.g.:\n  " + BENCH_SETTINGS + " \\\n  "
              + testNumbers(prefix, code) + " java -jar sealpost.jar server\n"
              + "(scripts/bench-server.sh starts one that way; never on a public server).");
        }
        if (refused.status() == 403) {
          return Optional.of("bench: the server refused the bench accounts' verification code ("
              + refused.getMessage() + ").\nThe server must give every number under --prefix " + prefix
              + " the fixed code " + code + ": start it with " + testNumbers(prefix, code)
              + " (accounts.testNumbers), or pass the --prefix and --code it uses.");
        }
      }
    }
    return Optional.empty();
  }

  private static String testNumbers(String prefix, String code) {
    return "SEALPOST_ACCOUNTS_TEST_NUMBERS='{\"" + prefix + "*\": \"" + code + "\"}'";
  }
}
