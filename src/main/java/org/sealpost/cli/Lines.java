package org.sealpost.cli;

import org.sealpost.client.IncomingMessage;
import org.sealpost.client.MessageId;
import org.sealpost.client.Receipt;
import org.sealpost.client.SafetyNumber;
import org.sealpost.client.proto.AttachmentPointer;
import org.sealpost.protocol.GroupEvent;

/** How messages, ticks and safety numbers print, one line each, the same in every command. */
final class Lines {
  static final String SENT = "✓";
  static final String DELIVERED = "✓✓";

  private Lines() {}

  /** {@code sender: text}; a copy of this account's own message shows whom it went to. */
  static String message(IncomingMessage message) {
    StringBuilder text = new StringBuilder(message.text());
    for (AttachmentPointer file : message.attachments()) {
      text.append(text.length() == 0 ? "" : " ").append("[file ").append(file.getFileName()).append(", ")
          .append(file.getSize()).append(" bytes]");
    }
    if (message.isSentTranscript()) {
      return message.sender() + " (to " + message.sentTo().orElseThrow() + "): " + text;
    }
    return message.sender() + ": " + text;
  }

  /** {@code [group] sender: text} for a group message. */
  static String groupMessage(String group, IncomingMessage message) {
    return "[" + group + "] " + message(message);
  }

  /** {@code [group] * actor added +A, +B} and the like. */
  static String groupEvent(String group, GroupEvent event) {
    String members = String.join(", ", event.getMembersList());
    String what = switch (event.getKind()) {
      case CREATED -> "created the group";
      case MEMBERS_ADDED -> "added " + members;
      case MEMBERS_REMOVED -> "removed " + members;
      case MEMBER_LEFT -> "left";
      case ADMINS_PROMOTED -> "made " + members + " admin";
      case ADMINS_DEMOTED -> "made " + members + " no longer admin";
      case SETTINGS_CHANGED -> "changed the group's settings";
      case METADATA_CHANGED -> "changed the group's info";
      default -> "changed the group";
    };
    return "[" + group + "] * " + event.getActor() + " " + what;
  }

  static String receipt(Receipt receipt, MessageId id) {
    String what = receipt.kind() == Receipt.Kind.READ ? "read" : "delivered";
    return DELIVERED + " " + what + " " + id.hex() + " by " + receipt.by();
  }

  /** One device's safety number, marked while a change waits to be accepted. */
  static String safetyNumber(SafetyNumber number) {
    return number.number() + " device " + number.deviceId() + ": " + number.grouped()
        + (number.isTrusted() ? "" : "   (changed, not accepted yet)");
  }

  /** The outcome of accepting {@code contact}'s safety number, {@code changed} its devices whose key changed. */
  static String trusted(String contact, int changed) {
    return changed == 0 ? "Nothing to accept: the safety number with " + contact + " did not change."
        : "Accepted the new safety number with " + contact + ".";
  }

  static String identityChanged(String number) {
    return "! The safety number with " + number + " changed. Its messages wait until you compare the new number"
        + " (sealpost safety-number --with " + number + ") and accept it (sealpost trust --with " + number + ").";
  }

  /** A key-log alert (key transparency): a key for this number that is not this device's, or a log that does not add up. */
  static String keyLogAlert(org.sealpost.client.KeyLogAlert alert) {
    return "! key log " + alert.kind() + ": " + alert.message();
  }
}
