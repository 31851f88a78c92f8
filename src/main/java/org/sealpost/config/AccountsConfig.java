package org.sealpost.config;

import java.time.Duration;
import java.util.Map;

/**
 * Registration and devices.
 *
 * @param verificationProvider how codes reach phones: {@code console} logs them (development)
 * @param codeTtl how long a verification code is valid
 * @param maxCodeAttempts wrong guesses before a code is void
 * @param linkCodeTtl how long a device link code is valid
 * @param maxDevices devices per account, primary included (WhatsApp: 1 + 4 linked)
 * @param testNumbers numbers with a fixed code, for demos, tests and benchmarks; no code is sent to
 *     them. A key ending in {@code *} is a prefix: {@code "+1555000*": "123456"} covers every
 *     number that starts with +1555000
 * @param allowConsoleProviderOffLoopback lets the console provider (which logs full numbers and
 *     codes) run with a gateway.host that is not a loopback address: an explicit choice, off by
 *     default
 */
public record AccountsConfig(
    String verificationProvider,
    Duration codeTtl,
    int maxCodeAttempts,
    Duration linkCodeTtl,
    int maxDevices,
    Map<String, String> testNumbers,
    boolean allowConsoleProviderOffLoopback) {

  public AccountsConfig {
    SealpostConfig.check("console".equals(verificationProvider),
        "accounts.verificationProvider must be one of [console]");
    SealpostConfig.check(codeTtl != null && codeTtl.toMillis() > 0, "accounts.codeTtl must be > 0");
    SealpostConfig.check(maxCodeAttempts > 0, "accounts.maxCodeAttempts must be > 0");
    SealpostConfig.check(linkCodeTtl != null && linkCodeTtl.toMillis() > 0, "accounts.linkCodeTtl must be > 0");
    SealpostConfig.check(maxDevices >= 1 && maxDevices <= 16, "accounts.maxDevices must be 1..16");
    testNumbers = testNumbers == null ? Map.of() : Map.copyOf(testNumbers);
    testNumbers.forEach((number, code) -> SealpostConfig.check(code.matches("\\d{6}"),
        "accounts.testNumbers." + number + " must be a 6-digit code"));
  }

  /** The fixed code of a test number (exact key first, then the longest matching prefix). */
  public java.util.Optional<String> testCode(String number) {
    String exact = testNumbers.get(number);
    if (exact != null) {
      return java.util.Optional.of(exact);
    }
    String best = null;
    int bestLength = -1;
    for (Map.Entry<String, String> entry : testNumbers.entrySet()) {
      String key = entry.getKey();
      if (key.endsWith("*") && number.startsWith(key.substring(0, key.length() - 1)) && key.length() > bestLength) {
        best = entry.getValue();
        bestLength = key.length();
      }
    }
    return java.util.Optional.ofNullable(best);
  }

  public static AccountsConfig defaults() {
    return new AccountsConfig("console", Duration.ofMinutes(10), 5, Duration.ofMinutes(10), 5, Map.of(), false);
  }

  public AccountsConfig withTestNumbers(Map<String, String> value) {
    return new AccountsConfig(verificationProvider, codeTtl, maxCodeAttempts, linkCodeTtl, maxDevices, value,
        allowConsoleProviderOffLoopback);
  }
}
