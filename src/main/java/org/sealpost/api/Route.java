package org.sealpost.api;

import com.google.protobuf.Message;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One API endpoint: verb, path pattern ({@code /v1/devices/:id}), the request message type, who
 * may call it, and the handler.
 *
 * @param order which of one connection's requests this one runs after, so messages from one device
 *     keep their order
 */
public record Route(String verb, String path, Message requestType, Access access, Order order, Handler handler) {

  /** A route whose requests run in no particular order ({@code false}) or after all ordered ones. */
  public Route(String verb, String path, Message requestType, Access access, boolean ordered, Handler handler) {
    this(verb, path, requestType, access, ordered ? Order.ALL : Order.NONE, handler);
  }

  /** Which of one connection's ordered requests a request keeps its order with. */
  @FunctionalInterface
  public interface Order {
    /** Not ordered. */
    Order NONE = body -> null;
    /** The key of a request that runs after every earlier ordered request and before every later one. */
    String ALL_KEY = "";
    /** After every earlier ordered request of the connection, before every later one. */
    Order ALL = body -> ALL_KEY;

    /**
     * The key of the requests this one runs after, one at a time ({@link #ALL_KEY}: all of them);
     * null when it is not ordered.
     */
    String key(Message body);
  }

  public enum Access {
    /** No credentials: registration and linking, over HTTP only. */
    PUBLIC,
    /** An authenticated device. */
    DEVICE
  }

  @FunctionalInterface
  public interface Handler {
    Future<? extends Message> handle(Call call);
  }

  /** The path parameters when {@code actualPath} matches this route's pattern. */
  public Optional<List<String>> match(String actualVerb, String actualPath) {
    if (!verb.equals(actualVerb)) {
      return Optional.empty();
    }
    String[] pattern = path.split("/");
    String[] actual = actualPath.split("/");
    if (pattern.length != actual.length) {
      return Optional.empty();
    }
    List<String> params = new ArrayList<>(1);
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].startsWith(":")) {
        if (actual[i].isEmpty()) {
          return Optional.empty();
        }
        params.add(actual[i]);
      } else if (!pattern[i].equals(actual[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }
}
