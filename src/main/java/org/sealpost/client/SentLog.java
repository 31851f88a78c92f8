package org.sealpost.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Who each message of this account went to, by message id: what receipts are checked against.
 * The server cannot tell a true receipt from a forged one (message ids are opaque to it), so a
 * receipt counts only for ids this account sent to the receipt's sender; others are dropped.
 * Written by the sending device before it sends, and by this account's other devices when its
 * sent transcript arrives. Pruned like the {@link ReceivedLog}.
 */
final class SentLog {
  private static final String DIR = "sent";

  private final StateFiles files;

  SentLog(StateFiles files) {
    this.files = files;
  }

  /** Records that {@code id} went to {@code recipients} (numbers); written through at once. */
  void record(MessageId id, Collection<String> recipients) {
    files.writeNow(path(id), String.join("\n", recipients).getBytes(StandardCharsets.UTF_8));
  }

  /** True when this account sent {@code id} to {@code number}. */
  boolean sentTo(MessageId id, String number) {
    return files.read(path(id))
        .map(bytes -> Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n")).contains(number))
        .orElse(false);
  }

  /** Of {@code ids}, the ones this account sent to {@code number}. */
  List<MessageId> sentTo(List<MessageId> ids, String number) {
    return ids.stream().filter(id -> sentTo(id, number)).toList();
  }

  int prune(Instant now) {
    return files.deleteOlderThan(DIR, now.minus(ReceivedLog.RETENTION));
  }

  private static String path(MessageId id) {
    return DIR + "/" + id.hex();
  }
}
