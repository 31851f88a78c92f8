package org.sealpost.cli;

import io.vertx.core.Future;
import java.io.PrintWriter;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.KeyLogAlert;
import org.sealpost.client.SealpostClient;

/**
 * Prints received messages the same in {@code receive} and {@code chat}: one line each
 * ({@link Lines#message}), a group message under its group's name and after that group's events
 * still waiting for the name ({@link GroupEventLines}); and the notice that a contact's messages
 * wait for its changed safety number. Used on the client's context only.
 */
final class MessageLines {
  private final SealpostClient client;
  private final GroupEventLines groupEvents;
  private final PrintWriter out;

  MessageLines(SealpostClient client, GroupEventLines groupEvents, PrintWriter out) {
    this.client = client;
    this.groupEvents = groupEvents;
    this.out = out;
  }

  /** Completes once {@code message}'s line is printed. */
  Future<Void> print(IncomingMessage message) {
    Future<String> line = message.group().isPresent()
        ? groupEvents.beforeMessageOf(message.group().get())
            .compose(v -> client.groupName(message.group().get()))
            .map(name -> Lines.groupMessage(name, message))
        : Future.succeededFuture(Lines.message(message));
    return line.map(text -> {
      out.println(text);
      out.flush();
      return null;
    });
  }

  /** {@code number}'s messages are held until its new safety number is accepted. */
  void printIdentityChanged(String number) {
    out.println(Lines.identityChanged(number));
    out.flush();
  }

  void printKeyLogAlert(KeyLogAlert alert) {
    out.println(Lines.keyLogAlert(alert));
    out.flush();
  }
}
