package org.sealpost.client;

/**
 * A call this device placed ({@link SealpostClient#call}).
 *
 * @param callId the id every signal of the call carries
 * @param callee the number called
 * @param reachable false when no device of the callee was connected: nothing rings, the callee
 *     sees a missed call when it connects, and the call is over already
 */
public record OutgoingCall(String callId, String callee, boolean reachable) {}
