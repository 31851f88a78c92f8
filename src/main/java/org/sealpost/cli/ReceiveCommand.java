package org.sealpost.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.sealpost.client.AttachmentIntegrityException;
import org.sealpost.client.ClientListener;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.KeyLogAlert;
import org.sealpost.client.MessageId;
import org.sealpost.client.Receipt;
import org.sealpost.client.SealpostClient;
import org.sealpost.client.proto.AttachmentPointer;
import org.sealpost.protocol.GroupEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sealpost receive}: connects, prints every message and tick waiting for this device
 * (one line each), acks each once printed, and exits when the server says the queue is
 * drained, or, with {@code --timeout}, once nothing more arrived for that long after it.
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
    description = "Print the messages waiting for this device, then exit.")
public final class ReceiveCommand extends ClientCommand {
  /** Draining a long queue takes a while; this bounds a server that never says it is done. */
  static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Mixin ServerList servers;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
      description = "After the queue is drained, keep waiting for new messages until none came for this long.")
  long timeoutSeconds;

  @Option(names = "--download-dir", paramLabel = "DIR", defaultValue = ".",
      description = "Where received files are saved (default: the current directory).")
  Path downloadDir;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(servers.open(runtime, state), client -> {
      Printer printer = new Printer(client, runtime.vertx(), Duration.ofSeconds(timeoutSeconds));
      client.listener(printer);
      runtime.await(servers.connect(client));
      return runtime.await(printer.done(), DRAIN_TIMEOUT.plusSeconds(Math.max(0, timeoutSeconds)));
    });
  }

  /** Prints what arrives; completes {@link #done()} with the exit code. */
  private final class Printer implements ClientListener {
    private final SealpostClient client;
    private final Vertx vertx;
    private final Duration idle;
    private final Promise<Integer> done = Promise.promise();
    private final GroupEventLines groupEvents;
    private final MessageLines messages;
    private boolean drained;
    private long idleTimer = -1;

    Printer(SealpostClient client, Vertx vertx, Duration idle) {
      this.client = client;
      this.vertx = vertx;
      this.idle = idle;
      this.groupEvents = new GroupEventLines(client, out());
      this.messages = new MessageLines(client, groupEvents, out());
    }

    Future<Integer> done() {
      return done.future();
    }

    @Override
    public Future<Void> onMessage(IncomingMessage message) {
      return messages.print(message).compose(printed -> {
        Future<Void> saved = Future.succeededFuture();
        for (AttachmentPointer file : message.attachments()) {
          saved = saved.compose(v -> save(message, file));
        }
        return saved;
      }).onComplete(done -> activity());
    }

    /**
     * Saves one file and prints where. An altered file is reported and the message acked (it
     * can never be saved); any other failure leaves the message queued for the next run.
     */
    private Future<Void> save(IncomingMessage message, AttachmentPointer file) {
      return client.saveAttachment(file, downloadDir)
          .map(path -> {
            out().println("  saved " + path);
            out().flush();
            return (Void) null;
          })
          .recover(err -> {
            err().println("! the file " + file.getFileName() + " from " + message.sender() + " could not be saved: "
                + err.getMessage());
            err().flush();
            return err instanceof AttachmentIntegrityException ? Future.succeededFuture() : Future.failedFuture(err);
          });
    }

    @Override
    public void onGroupEvent(GroupEvent event) {
      groupEvents.onEvent(event);
      activity();
    }

    /** Calls that rang while this device was away show up as missed calls. */
    @Override
    public void onCall(org.sealpost.client.CallEvent event) {
      if (event.kind() == org.sealpost.client.CallEvent.Kind.MISSED) {
        out().println("missed call from " + event.peer());
        out().flush();
      }
      activity();
    }

    @Override
    public void onReceipt(Receipt receipt) {
      for (MessageId id : receipt.messageIds()) {
        out().println(Lines.receipt(receipt, id));
      }
      out().flush();
      activity();
    }

    @Override
    public void onIdentityChanged(String number) {
      messages.printIdentityChanged(number);
    }

    @Override
    public void onKeyLogAlert(KeyLogAlert alert) {
      err().println(Lines.keyLogAlert(alert)); // stdout holds messages only, for scripts
    }

    @Override
    public void onUndecryptable(String sender, int senderDevice, MessageId id) {
      err().println("! a message " + id.hex() + " from " + sender + " could not be decrypted");
      err().flush();
    }

    @Override
    public void onQueueEmpty() {
      groupEvents.flush().onComplete(printed -> {
        drained = true;
        activity();
      });
    }

    @Override
    public void onDisconnected() {
      err().println("sealpost: the server closed the connection");
      err().flush();
      done.tryComplete(1);
    }

    /** Called on the client's context, so the timer bookkeeping needs no lock. */
    private void activity() {
      if (!drained) {
        return;
      }
      if (idle.isZero()) {
        done.tryComplete(0);
        return;
      }
      if (idleTimer >= 0) {
        vertx.cancelTimer(idleTimer);
      }
      idleTimer = vertx.setTimer(idle.toMillis(), id -> done.tryComplete(0));
    }
  }
}
