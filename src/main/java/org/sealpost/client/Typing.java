package org.sealpost.client;

import java.util.Optional;

/**
 * Someone is typing (or stopped) to this account, or in one of its groups. Ephemeral: only
 * connected devices get it, and a client should let "typing" lapse after a few seconds without
 * a new event.
 *
 * @param sender who types
 * @param senderDevice on which device
 * @param groupId the group, when the typing happens in one
 * @param composing true while composing, false when paused
 */
public record Typing(String sender, int senderDevice, Optional<String> groupId, boolean composing) {}
