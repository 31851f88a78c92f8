package org.sealpost.store.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script kept as a resource under {@code /redis/}. Redis runs a script as one atomic step,
 * which is how the stores get read-modify-write without WATCH/MULTI round trips. The SHA-1 is
 * computed here, so the usual call is {@code EVALSHA} (the digest only) and {@link RedisCommands}
 * falls back to {@code EVAL} (the whole source, which also caches it) when the server answers
 * {@code NOSCRIPT}, e.g. after a restart or {@code SCRIPT FLUSH}.
 */
record LuaScript(String name, String source, String sha1) {
  /** Compare-and-delete of keys (session entries, queue turns, pending sends). */
  static final LuaScript DELETE_IF_EQUAL = load("delete-if-equal");

  /** Reads {@code /redis/<name>.lua} from the class path; a missing script is a packaging bug. */
  static LuaScript load(String name) {
    String resource = "/redis/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing class path resource " + resource);
      }
      String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new LuaScript(name, source, sha1Hex(source));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  Request evalsha(List<String> keys, List<String> args) {
    return withArguments(Request.cmd(Command.EVALSHA).arg(sha1), keys, args);
  }

  Request eval(List<String> keys, List<String> args) {
    return withArguments(Request.cmd(Command.EVAL).arg(source), keys, args);
  }

  /** Caches the script on the server; the reply is its SHA-1. */
  Request scriptLoad() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
  }

  private static Request withArguments(Request request, List<String> keys, List<String> args) {
    request.arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String sha1Hex(String source) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha1.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
