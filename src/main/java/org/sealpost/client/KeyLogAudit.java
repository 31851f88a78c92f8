package org.sealpost.client;

import java.time.Instant;
import java.util.List;
import org.sealpost.merkle.TreeHead;

/**
 * One run of the key-log monitor ({@link SealpostClient#auditKeyLog()}).
 *
 * @param head the verified head the log was audited up to
 * @param entriesChecked the entries read and checked in this run
 * @param alerts the alerts this run raised (each entry is reported once, ever)
 * @param ownEntries the entries for this account's number read in this run
 */
public record KeyLogAudit(TreeHead head, long entriesChecked, List<KeyLogAlert> alerts, List<OwnEntry> ownEntries) {
  /**
   * One logged binding of this account's number.
   *
   * @param key the identity key in hex; empty: the device was removed
   * @param thisDevice whether it is this device's id with this device's key
   */
  public record OwnEntry(long index, int deviceId, String key, Instant loggedAt, boolean thisDevice) {}
}
