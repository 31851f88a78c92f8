package org.sealpost.client;

import java.util.List;

/**
 * Something happened in a call (see {@link SealpostClient#call}). The SDK carries the signalling
 * only; the application feeds {@code sdp} and {@code iceCandidates} to its media engine.
 *
 * @param kind what happened
 * @param callId the call's id, chosen by the caller
 * @param peer the other side's number
 * @param peerDevice the other side's device that sent the signal (0 for events made locally)
 * @param sdp RINGING: the caller's offer; ANSWERED: the callee's answer; else empty
 * @param iceCandidates ICE: the peer's new candidates; else empty
 * @param timestamp when the signal was sent (server clock, ms since the epoch)
 */
public record CallEvent(Kind kind, String callId, String peer, int peerDevice, String sdp,
    List<String> iceCandidates, long timestamp) {

  public CallEvent {
    iceCandidates = List.copyOf(iceCandidates);
  }

  public enum Kind {
    /** Callee: an incoming call rings; answer with {@link SealpostClient#answerCall}, or hang up or say busy. */
    RINGING,
    /** Caller: the callee answered; the call is established. */
    ANSWERED,
    /** Either side: the peer sent more ICE candidates. */
    ICE,
    /** Caller: the callee is in another call. */
    BUSY,
    /** Either side: the peer ended an established call. */
    HUNG_UP,
    /**
     * Callee: a call that was never answered here: the caller hung up (or gave up after its ring
     * timeout) while it rang, it rang past this device's ring timeout, or the offer was stored
     * while no device of this account was connected and arrives only now.
     */
    MISSED,
    /** Caller: nobody answered within the ring timeout; the SDK hung up. */
    NO_ANSWER
  }
}
