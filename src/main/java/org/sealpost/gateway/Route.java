package org.sealpost.gateway;

import com.google.protobuf.Message;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One API endpoint: verb, path pattern ({@code /v1/devices/:id}), the request message type, who
 * may call it, and the handler.
 *
 * @param ordered requests of one connection on ordered routes run one after another, so
 *     messages from one device keep their order
 */
public record Route(String verb, String path, Message requestType, Access access, boolean ordered, Handler handler) {

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
