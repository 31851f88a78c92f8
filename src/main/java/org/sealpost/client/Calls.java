package org.sealpost.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sealpost.client.proto.CallMessage;
import org.sealpost.client.proto.Content;
import org.sealpost.client.proto.ReceivedMessage;
import org.sealpost.protocol.CallSignal;

/**
 * Call signalling, end to end encrypted: each step is a {@link CallMessage} inside the Signal
 * content, sent to every device of the peer. The server learns only that it is a call signal, and
 * whether it is an offer (it rings only connected devices, and stores an offer nobody could take
 * as a missed call). This class keeps the calls of this device and turns signals into
 * {@link CallEvent}s; the ring timeout ends an unanswered call on both sides.
 *
 * <p>Runs on the client's context only (its callers and timers), so the map needs no locking.
 */
final class Calls {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final MessageSender sender;
  private final Supplier<ClientListener> listener;
  private final Clock clock;
  private final Map<String, ActiveCall> calls = new HashMap<>();
  private Duration ringTimeout;
  /** Signals go out one after another, so the peer gets a call's offer before its ICE candidates. */
  private Future<?> tail = Future.succeededFuture();

  private enum State { RINGING, CONNECTED }

  private static final class ActiveCall {
    final String callId;
    final String peer;
    final boolean outgoing;
    State state = State.RINGING;
    long timer = -1;

    ActiveCall(String callId, String peer, boolean outgoing) {
      this.callId = callId;
      this.peer = peer;
      this.outgoing = outgoing;
    }
  }

  Calls(Vertx vertx, MessageSender sender, Supplier<ClientListener> listener, Clock clock, Duration ringTimeout) {
    this.vertx = vertx;
    this.sender = sender;
    this.listener = listener;
    this.clock = clock;
    this.ringTimeout = ringTimeout;
  }

  /** Completes once the signals handed in so far are sent (or failed). */
  Future<?> idle() {
    return tail.transform(ignored -> Future.succeededFuture());
  }

  void ringTimeout(Duration value) {
    this.ringTimeout = value;
  }

  /** Sends the offer; rings until answered, refused or the ring timeout. */
  Future<OutgoingCall> call(String callee, String sdpOffer) {
    String callId = HexFormat.of().formatHex(randomBytes());
    ActiveCall call = new ActiveCall(callId, callee, true);
    calls.put(callId, call);
    return signal(call, CallMessage.newBuilder().setKind(CallMessage.Kind.OFFER).setSdp(sdpOffer),
        CallSignal.CALL_SIGNAL_OFFER)
        .map(response -> {
          if (response.getUnreachable()) {
            calls.remove(callId);
            return new OutgoingCall(callId, callee, false);
          }
          if (calls.get(callId) == call && call.state == State.RINGING) {
            call.timer = vertx.setTimer(ringTimeout.toMillis(), id -> noAnswer(call));
          }
          return new OutgoingCall(callId, callee, true);
        })
        .onFailure(err -> calls.remove(callId));
  }

  Future<Void> answer(String callId, String sdpAnswer) {
    ActiveCall call = calls.get(callId);
    if (call == null || call.outgoing || call.state != State.RINGING) {
      return Future.failedFuture(new IllegalStateException("no incoming call " + callId + " is ringing"));
    }
    call.state = State.CONNECTED;
    cancelTimer(call);
    return signal(call, CallMessage.newBuilder().setKind(CallMessage.Kind.ANSWER).setSdp(sdpAnswer),
        CallSignal.CALL_SIGNAL_UPDATE).mapEmpty();
  }

  Future<Void> iceCandidates(String callId, List<String> candidates) {
    ActiveCall call = calls.get(callId);
    if (call == null) {
      return Future.failedFuture(new IllegalStateException("no call " + callId));
    }
    return signal(call, CallMessage.newBuilder().setKind(CallMessage.Kind.ICE).addAllIceCandidates(candidates),
        CallSignal.CALL_SIGNAL_UPDATE).mapEmpty();
  }

  Future<Void> hangUp(String callId) {
    ActiveCall call = end(callId);
    if (call == null) {
      return Future.failedFuture(new IllegalStateException("no call " + callId));
    }
    return signal(call, CallMessage.newBuilder().setKind(CallMessage.Kind.HANGUP), CallSignal.CALL_SIGNAL_UPDATE)
        .mapEmpty();
  }

  Future<Void> busy(String callId) {
    ActiveCall call = calls.get(callId);
    if (call == null || call.outgoing || call.state != State.RINGING) {
      return Future.failedFuture(new IllegalStateException("no incoming call " + callId + " is ringing"));
    }
    end(callId);
    return signal(call, CallMessage.newBuilder().setKind(CallMessage.Kind.BUSY), CallSignal.CALL_SIGNAL_UPDATE)
        .mapEmpty();
  }

  /**
   * A decrypted call signal from the receiver. {@code stored}: the server queued it (an offer no
   * device could take), so it is a missed call, however soon it arrives.
   */
  void onSignal(ReceivedMessage record, boolean stored) {
    CallMessage signal = record.getContent().getCall();
    String peer = record.getSource();
    ActiveCall call = calls.get(signal.getCallId());
    boolean fromPeer = call != null && call.peer.equals(peer);
    switch (signal.getKind()) {
      case OFFER -> {
        if (stored) {
          emit(CallEvent.Kind.MISSED, record, "");
        } else if (call == null) {
          ActiveCall incoming = new ActiveCall(signal.getCallId(), peer, false);
          calls.put(incoming.callId, incoming);
          incoming.timer = vertx.setTimer(ringTimeout.toMillis(), id -> {
            if (end(incoming.callId) != null) {
              emit(CallEvent.Kind.MISSED, record, "");
            }
          });
          emit(CallEvent.Kind.RINGING, record, signal.getSdp());
        }
      }
      case ANSWER -> {
        if (fromPeer && call.outgoing && call.state == State.RINGING) {
          call.state = State.CONNECTED;
          cancelTimer(call);
          emit(CallEvent.Kind.ANSWERED, record, signal.getSdp());
        }
      }
      case ICE -> {
        if (fromPeer) {
          emit(CallEvent.Kind.ICE, record, "");
        }
      }
      case BUSY -> {
        if (fromPeer && call.outgoing && call.state == State.RINGING) {
          end(call.callId);
          emit(CallEvent.Kind.BUSY, record, "");
        }
      }
      case HANGUP -> {
        if (fromPeer) {
          end(call.callId);
          emit(!call.outgoing && call.state == State.RINGING ? CallEvent.Kind.MISSED : CallEvent.Kind.HUNG_UP,
              record, "");
        }
      }
      default -> { }
    }
  }

  private void noAnswer(ActiveCall call) {
    if (calls.get(call.callId) != call || call.state != State.RINGING) {
      return;
    }
    end(call.callId);
    // Reported once the hangup is out, so an application that quits on NO_ANSWER does not cut it off.
    signal(call, CallMessage.newBuilder().setKind(CallMessage.Kind.HANGUP), CallSignal.CALL_SIGNAL_UPDATE)
        .onComplete(ar -> listener.get().onCall(new CallEvent(CallEvent.Kind.NO_ANSWER, call.callId, call.peer, 0, "",
            List.of(), clock.millis())));
  }

  private ActiveCall end(String callId) {
    ActiveCall call = calls.remove(callId);
    if (call != null) {
      cancelTimer(call);
    }
    return call;
  }

  private void cancelTimer(ActiveCall call) {
    if (call.timer >= 0) {
      vertx.cancelTimer(call.timer);
      call.timer = -1;
    }
  }

  private Future<org.sealpost.protocol.SendMessageResponse> signal(ActiveCall call, CallMessage.Builder signal,
      CallSignal kind) {
    byte[] plaintext = ContentCodec.encode(Content.newBuilder().setCall(signal.setCallId(call.callId)).build());
    Future<org.sealpost.protocol.SendMessageResponse> next = tail.transform(ignored ->
        sender.send(call.peer, plaintext, MessageId.random(), clock.millis(), kind, true));
    tail = next;
    return next;
  }

  private void emit(CallEvent.Kind kind, ReceivedMessage record, String sdp) {
    CallMessage signal = record.getContent().getCall();
    listener.get().onCall(new CallEvent(kind, signal.getCallId(), record.getSource(), record.getSourceDevice(), sdp,
        kind == CallEvent.Kind.ICE ? signal.getIceCandidatesList() : List.of(), record.getServerTimestamp()));
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
