package org.sealpost.cli;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.sealpost.client.CallEvent;
import org.sealpost.client.ClientListener;
import org.sealpost.client.OutgoingCall;
import org.sealpost.client.SealpostClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealpost call NUMBER}: places a call and prints its signalling, one line a step
 * ("ringing", then "answered" and "hung up", or "busy", "no answer", "unreachable").
 * {@code sealpost call --answer}: waits for a call, answers it and prints the same. There is no
 * media engine here: the session descriptions are placeholders, and the exchange shows the
 * signalling (end-to-end encrypted, relayed by the server) that a real client's engine would use.
 */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = "Call a number (prints ringing, answered/busy/no answer/hung up), or --answer an incoming call.")
public final class CallCommand extends ClientCommand {
  static final String OFFER_SDP = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=sealpost-cli offer (no media)\r\nt=0 0\r\n";
  static final String ANSWER_SDP = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=sealpost-cli answer (no media)\r\nt=0 0\r\n";

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Parameters(arity = "0..1", paramLabel = "+E164", description = "The number to call (not with --answer).")
  String number;

  @Option(names = "--answer", description = "Wait for an incoming call and answer it.")
  boolean answer;

  @Option(names = "--ring-timeout", paramLabel = "SECONDS", defaultValue = "45",
      description = "Hang up an unanswered call after this long (default: 45).")
  long ringTimeoutSeconds;

  @Option(names = "--talk", paramLabel = "SECONDS", defaultValue = "5",
      description = "Hang up this long after the call was answered, unless the peer hangs up first (default: 5).")
  long talkSeconds;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "With --answer: give up when no call came for this long (default: 60).")
  long timeoutSeconds;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    if (answer == (number != null)) {
      throw new IllegalArgumentException("give a NUMBER to call, or --answer to take a call");
    }
    return runtime.withClient(state, client -> {
      Progress progress = new Progress(client, runtime.vertx());
      client.ringTimeout(Duration.ofSeconds(ringTimeoutSeconds)).listener(progress);
      runtime.await(client.connect());
      Duration bound = Duration.ofSeconds(ringTimeoutSeconds + talkSeconds + (answer ? timeoutSeconds : 0) + 30);
      if (answer) {
        print("waiting for calls");
        long timer = runtime.vertx().setTimer(Duration.ofSeconds(timeoutSeconds).toMillis(), id -> {
          if (!progress.inCall) {
            print("no call");
            progress.done.tryComplete(1);
          }
        });
        int exit = runtime.await(progress.done.future(), bound);
        runtime.vertx().cancelTimer(timer);
        return exit;
      }
      print("calling " + number);
      OutgoingCall call = runtime.await(client.call(number, OFFER_SDP));
      if (!call.reachable()) {
        print("unreachable: no device of " + number + " is connected; they will see a missed call");
        return 1;
      }
      print("ringing");
      return runtime.await(progress.done.future(), bound);
    });
  }

  private void print(String line) {
    out().println(line);
    out().flush();
  }

  /** Prints each step; completes {@code done} with the exit code when the call is over. */
  private final class Progress implements ClientListener {
    private final SealpostClient client;
    private final Vertx vertx;
    final Promise<Integer> done = Promise.promise();
    boolean inCall;

    Progress(SealpostClient client, Vertx vertx) {
      this.client = client;
      this.vertx = vertx;
    }

    @Override
    public void onCall(CallEvent event) {
      switch (event.kind()) {
        case RINGING -> {
          if (!answer || inCall) {
            client.busy(event.callId());
            return;
          }
          inCall = true;
          print("incoming call from " + event.peer());
          client.answerCall(event.callId(), ANSWER_SDP)
              .onSuccess(v -> {
                print("answered");
                talk(event.callId());
              })
              .onFailure(err -> {
                print("could not answer: " + err.getMessage());
                done.tryComplete(1);
              });
        }
        case ANSWERED -> {
          print("answered");
          talk(event.callId());
        }
        case BUSY -> finish("busy", 1);
        case NO_ANSWER -> finish("no answer", 1);
        case HUNG_UP -> finish("hung up", 0);
        case MISSED -> {
          print("missed call from " + event.peer());
          if (inCall) {
            finish("hung up", 1);
          }
        }
        default -> { }
      }
    }

    /** Hangs up after --talk unless the peer did first. */
    private void talk(String callId) {
      vertx.setTimer(Math.max(1, talkSeconds * 1000), id -> {
        if (!done.future().isComplete()) {
          client.hangUp(callId).onComplete(ar -> finish("hung up", 0));
        }
      });
    }

    private void finish(String line, int exit) {
      if (!done.future().isComplete()) {
        print(line);
        done.tryComplete(exit);
      }
    }
  }
}
