package org.sealpost.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium driven over the DevTools protocol, so a test can click and type in a real
 * browser and fail on any JavaScript error the page raises. One WebSocket to the browser; the page
 * is a flattened session on it, so browser-wide commands (downloads) and page commands share it.
 * Every wait is bounded, so a browser that hangs fails the test instead of hanging it. One browser
 * per work directory: its profile lives there, so two browsers share no cookies or storage.
 */
public final class Browser implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  /** Screenshots arrive as one base64 message of several MB. */
  private static final int MAX_MESSAGE = 64 * 1024 * 1024;

  private final Process process;
  private final Path log;
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<String> jsErrors = new CopyOnWriteArrayList<>();
  private final List<String> consoleErrors = new CopyOnWriteArrayList<>();
  /** download guid -> the file name the browser saves it under */
  private final Map<String, String> downloadNames = new ConcurrentHashMap<>();
  /** file name -> its download, completed once on disk; created by whichever comes first, the event or the wait */
  private final Map<String, CompletableFuture<Path>> downloads = new ConcurrentHashMap<>();
  private volatile WebSocket socket;
  private volatile String session;
  private volatile Path downloadDir;
  private volatile boolean closed;

  private record Pending(String method, CompletableFuture<JsonObject> answer) {}

  private record Listener(String method, Consumer<JsonObject> handler) {}

  private record Key(String key, String code, int keyCode, String text) {}

  /** An error answer from the browser (not a JavaScript exception in the page). */
  private static final class ProtocolError extends IllegalStateException {
    ProtocolError(String message) {
      super(message);
    }
  }

  private Browser(Process process, Path log) {
    this.process = process;
    this.log = log;
    listen("Runtime.exceptionThrown", p -> jsErrors.add(describe(p.getJsonObject("exceptionDetails", new JsonObject()))));
    listen("Log.entryAdded", p -> {
      JsonObject entry = p.getJsonObject("entry", new JsonObject());
      if ("error".equals(entry.getString("level")) && "javascript".equals(entry.getString("source"))) {
        jsErrors.add(entry.getString("text") + " (at " + entry.getString("url", "?") + ":" + entry.getValue("lineNumber") + ")");
      }
    });
    listen("Runtime.consoleAPICalled", p -> {
      if ("error".equals(p.getString("type"))) {
        List<String> args = new ArrayList<>();
        for (Object arg : p.getJsonArray("args", new JsonArray())) {
          JsonObject remote = (JsonObject) arg;
          args.add(remote.containsKey("value") ? String.valueOf(remote.getValue("value")) : remote.getString("description", "?"));
        }
        consoleErrors.add(String.join(" ", args));
      }
    });
    listen("Browser.downloadWillBegin", p -> downloadNames.put(p.getString("guid"), p.getString("suggestedFilename")));
    listen("Browser.downloadProgress", p -> {
      String state = p.getString("state");
      String name = downloadNames.get(p.getString("guid"));
      if (name == null || "inProgress".equals(state)) {
        return;
      }
      CompletableFuture<Path> download = downloads.computeIfAbsent(name, n -> new CompletableFuture<>());
      if ("completed".equals(state)) {
        // "allow" keeps the suggested name; newer browsers also say where the file went
        String filePath = p.getString("filePath");
        download.complete(filePath != null ? Path.of(filePath) : downloadDir.resolve(name));
      } else {
        download.completeExceptionally(new AssertionError("the download of " + name + " ended " + state));
      }
    });
  }

  /** The Debian browser, if installed. */
  public static Optional<Path> chromium() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Optional.of(Path.of(candidate));
      }
    }
    return Optional.empty();
  }

  /**
   * Skips the calling test when there is no chromium, but fails it in CI ({@code SEALPOST_CI=1},
   * set by .ci/run): there a skip would hide the browser tests.
   */
  public static void assumeChromium() {
    boolean present = chromium().isPresent();
    if (!present && "1".equals(System.getenv("SEALPOST_CI"))) {
      throw new AssertionError("chromium is required in CI (apt-get install -y chromium)");
    }
    Assumptions.assumeTrue(present, "chromium is not installed (apt-get install -y chromium): browser test skipped");
  }

  /**
   * Starts a headless chromium with its profile and log ({@code chromium.log}) in {@code workDir}
   * and attaches to a fresh page with the Runtime, Page and Log domains on.
   */
  public static Browser launch(Path workDir) throws IOException {
    Path chromium = chromium().orElseThrow(() -> new IllegalStateException("no chromium (apt-get install -y chromium)"));
    Files.createDirectories(workDir);
    Path log = workDir.resolve("chromium.log");
    Process process = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
        "--user-data-dir=" + workDir.toAbsolutePath().resolve("profile"), "--remote-debugging-port=0", "about:blank"))
        .redirectErrorStream(true).start();
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    Thread copier = new Thread(() -> copyLog(process, log, endpoint), "chromium-log");
    copier.setDaemon(true);
    copier.start();
    Browser browser = new Browser(process, log);
    try {
      browser.attach(await(endpoint, LAUNCH_TIMEOUT, "DevTools endpoint from chromium"));
      return browser;
    } catch (RuntimeException | Error e) {
      browser.close();
      throw new AssertionError("chromium did not start: " + e.getMessage() + "\n" + browser.logTail(), e);
    }
  }

  /** Copies chromium's output to the log, and hands over the endpoint its "DevTools listening on" line names. */
  private static void copyLog(Process process, Path log, CompletableFuture<String> endpoint) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(log)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          endpoint.complete(m.group(1));
        }
      }
    } catch (IOException e) {
      endpoint.completeExceptionally(e);
    }
    endpoint.completeExceptionally(new IllegalStateException("chromium's output ended before it named its DevTools endpoint"));
  }

  private void attach(String endpoint) {
    URI uri = URI.create(endpoint);
    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxFrameSize(MAX_MESSAGE).setMaxMessageSize(MAX_MESSAGE));
    // chromium refuses WebSockets that carry an Origin unless told --remote-allow-origins
    WebSocket ws = Await.await(client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
        .setURI(uri.getRawPath()).setAllowOriginHeader(false)), (int) COMMAND_TIMEOUT.toSeconds());
    ws.textMessageHandler(this::onMessage);
    ws.closeHandler(v -> {
      for (Long id : List.copyOf(pending.keySet())) {
        Pending p = pending.remove(id);
        if (p != null) {
          p.answer.completeExceptionally(new ProtocolError(p.method + ": the DevTools connection closed"));
        }
      }
    });
    socket = ws;
    String target = call(null, "Target.createTarget", new JsonObject().put("url", "about:blank")).getString("targetId");
    session = call(null, "Target.attachToTarget", new JsonObject().put("targetId", target).put("flatten", true))
        .getString("sessionId");
    for (String domain : List.of("Runtime", "Page", "Log")) {
      cdp(domain + ".enable", new JsonObject());
    }
    cdp("Page.setLifecycleEventsEnabled", new JsonObject().put("enabled", true));
  }

  private void onMessage(String text) {
    JsonObject message = new JsonObject(text);
    Long id = message.getLong("id");
    if (id != null) {
      Pending p = pending.remove(id);
      if (p == null) {
        return;
      }
      JsonObject error = message.getJsonObject("error");
      if (error != null) {
        p.answer.completeExceptionally(new ProtocolError(p.method + ": " + error.getString("message")
            + (error.containsKey("data") ? " (" + error.getValue("data") + ")" : "")));
      } else {
        p.answer.complete(message.getJsonObject("result", new JsonObject()));
      }
      return;
    }
    String method = message.getString("method");
    JsonObject params = message.getJsonObject("params", new JsonObject());
    for (Listener listener : listeners) {
      if (listener.method.equals(method)) {
        try {
          listener.handler.accept(params);
        } catch (RuntimeException e) {
          jsErrors.add("(Browser could not handle " + method + ": " + e + ")");
        }
      }
    }
  }

  private Listener listen(String method, Consumer<JsonObject> handler) {
    Listener listener = new Listener(method, handler);
    listeners.add(listener);
    return listener;
  }

  private CompletableFuture<JsonObject> send(String sessionId, String method, JsonObject params) {
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    WebSocket ws = socket;
    if (ws == null || ws.isClosed()) {
      answer.completeExceptionally(new ProtocolError(method + ": the DevTools connection is closed"));
      return answer;
    }
    long id = ids.incrementAndGet();
    JsonObject message = new JsonObject().put("id", id).put("method", method).put("params", params);
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    pending.put(id, new Pending(method, answer));
    ws.writeTextMessage(message.encode()).onFailure(e -> {
      pending.remove(id);
      answer.completeExceptionally(new ProtocolError(method + ": " + e.getMessage()));
    });
    return answer;
  }

  private JsonObject call(String sessionId, String method, JsonObject params) {
    return await(send(sessionId, method, params), COMMAND_TIMEOUT, "answer to " + method);
  }

  /** Sends any DevTools command to the page and returns its result; for what the methods here do not cover. */
  public JsonObject cdp(String method, JsonObject params) {
    return call(session, method, params);
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
  }

  /** Uncaught exceptions (unhandled rejections included) and JavaScript errors the browser logged, so far. */
  public List<String> jsErrors() {
    return List.copyOf(jsErrors);
  }

  /** What the page passed to console.error: not an exception, so tests decide whether it matters. */
  public List<String> consoleErrors() {
    return List.copyOf(consoleErrors);
  }

  public void assertNoJsErrors() {
    if (!jsErrors.isEmpty()) {
      throw new AssertionError("JavaScript errors in the page:\n  " + String.join("\n  ", jsErrors));
    }
  }

  /**
   * Loads {@code url} and waits for its load event: the one of this navigation (matched by its
   * loader), so a late load of the page before cannot pass for it. A jump to a #fragment of the
   * page shown loads nothing and returns at once.
   */
  public void navigate(String url) {
    BlockingQueue<String> loaded = new LinkedBlockingQueue<>();
    Listener listener = listen("Page.lifecycleEvent", p -> {
      if ("load".equals(p.getString("name"))) {
        loaded.add(p.getString("loaderId", ""));
      }
    });
    try {
      JsonObject result = cdp("Page.navigate", new JsonObject().put("url", url));
      if (result.getString("errorText") != null) {
        throw new AssertionError("could not load " + url + ": " + result.getString("errorText"));
      }
      String loader = result.getString("loaderId");
      if (loader == null) {
        return;
      }
      long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
      for (String id = ""; !loader.equals(id); ) {
        id = loaded.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (id == null) {
          throw new AssertionError(url + " did not finish loading within " + COMMAND_TIMEOUT.toSeconds() + " s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted loading " + url, e);
    } finally {
      listeners.remove(listener);
    }
  }

  /**
   * The value of a JavaScript expression in the page (a promise is awaited), as JSON gives it:
   * String, Boolean, Integer/Long/Double, JsonObject, JsonArray, or null (also for undefined).
   * An expression that throws fails the test with the exception.
   */
  public Object evaluate(String expression) {
    JsonObject result = cdp("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true).put("userGesture", true));
    JsonObject details = result.getJsonObject("exceptionDetails");
    if (details != null) {
      throw new AssertionError("JavaScript threw " + describe(details) + "\n  evaluating: " + expression);
    }
    JsonObject remote = result.getJsonObject("result", new JsonObject());
    String unserializable = remote.getString("unserializableValue");
    if (unserializable == null) {
      return remote.getValue("value");
    }
    return switch (unserializable) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      case "-0" -> -0.0;
      default -> unserializable.endsWith("n")
          ? new BigInteger(unserializable.substring(0, unserializable.length() - 1)) : unserializable;
    };
  }

  /** The text of the first element {@code cssSelector} matches. */
  public String text(String cssSelector) {
    String selector = Json.encode(cssSelector);
    Object text = evaluate("(() => { const el = document.querySelector(" + selector + ");"
        + " return el ? {text: el.textContent} : null; })()");
    if (!(text instanceof JsonObject found)) {
      throw new AssertionError("no element matches " + cssSelector + " in " + evaluate("location.href"));
    }
    return found.getString("text");
  }

  /**
   * Waits until {@code jsPredicate}, a JavaScript expression (it may await), is true. Each probe
   * waits 100 ms in the page before it answers no, so the loop paces itself; a probe that throws
   * (the element is not there yet) or meets a navigation counts as no. A JavaScript error in the
   * page meanwhile fails at once rather than at the timeout.
   */
  public void waitFor(String description, Duration timeout, String jsPredicate) {
    int errorsBefore = jsErrors.size();
    long deadline = System.nanoTime() + timeout.toNanos();
    String probe = "(async () => { let value;"
        + " try { value = await (" + jsPredicate + "); } catch (e) { value = 'threw ' + ((e && e.stack) || e); }"
        + " if (value === true) return {ok: true};"
        + " await new Promise(resolve => setTimeout(resolve, 100));"
        + " return {ok: false, value: String(value)}; })()";
    String last = "not evaluated";
    while (true) {
      boolean ok = false;
      try {
        JsonObject answer = (JsonObject) evaluate(probe);
        ok = answer.getBoolean("ok");
        last = answer.getString("value");
      } catch (ProtocolError e) {
        if (socket == null || socket.isClosed()) {
          throw e;
        }
        last = e.getMessage();
      }
      if (jsErrors.size() > errorsBefore) {
        throw new AssertionError("JavaScript error while waiting for " + description + ":\n  "
            + String.join("\n  ", jsErrors.subList(errorsBefore, jsErrors.size())));
      }
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + description + " (" + jsPredicate
            + " was " + last + ")" + (jsErrors.isEmpty() ? "" : "; JavaScript errors: " + jsErrors));
      }
    }
  }

  /**
   * Runs {@code action} on the element {@code cssSelector} matches, once scrolled into view; fails
   * if there is none, or it is disabled or not displayed (a user could not use it either).
   */
  private void onElement(String cssSelector, String action) {
    String selector = Json.encode(cssSelector);
    Object problem = evaluate("(() => { const el = document.querySelector(" + selector + ");"
        + " if (!el) return 'no element matches ' + " + selector + ";"
        + " if (el.matches(':disabled')) return " + selector + " + ' is disabled';"
        + " if (el.getClientRects().length === 0) return " + selector + " + ' is not displayed';"
        + " el.scrollIntoView({block: 'center', inline: 'center'});"
        + action + " return null; })()");
    if (problem != null) {
      throw new AssertionError(problem + " in " + evaluate("location.href"));
    }
  }

  /** Clicks the element (element.click(), as a user gesture). */
  public void click(String cssSelector) {
    onElement(cssSelector, "el.click();");
  }

  /**
   * Types {@code text} at the end of the element's value, as real input (beforeinput and input
   * events, as from an input method; no key events: use {@link #press} for those).
   */
  public void type(String cssSelector, String text) {
    onElement(cssSelector, "if (el.readOnly) return " + Json.encode(cssSelector) + " + ' is read-only';"
        + focus(cssSelector)
        + " try { el.setSelectionRange(el.value.length, el.value.length); } catch (e) { }");
    cdp("Input.insertText", new JsonObject().put("text", text));
  }

  /**
   * Presses and releases one key in the focused element: "Enter", "Tab", "Escape", "Backspace",
   * "Delete", "Home", "End", "ArrowLeft/Up/Right/Down", a letter, a digit or " ". The key events
   * are the browser's own, so keydown/keypress/keyup handlers and default actions run.
   */
  public void press(String cssSelector, String key) {
    Key k = key(key);
    onElement(cssSelector, focus(cssSelector));
    JsonObject down = new JsonObject().put("type", k.text == null ? "rawKeyDown" : "keyDown").put("key", k.key)
        .put("code", k.code).put("windowsVirtualKeyCode", k.keyCode).put("nativeVirtualKeyCode", k.keyCode);
    if (k.text != null) {
      down.put("text", k.text).put("unmodifiedText", k.text);
    }
    cdp("Input.dispatchKeyEvent", down);
    cdp("Input.dispatchKeyEvent", new JsonObject().put("type", "keyUp").put("key", k.key).put("code", k.code)
        .put("windowsVirtualKeyCode", k.keyCode).put("nativeVirtualKeyCode", k.keyCode));
  }

  private static String focus(String cssSelector) {
    return " el.focus(); if (document.activeElement !== el) return " + Json.encode(cssSelector) + " + ' cannot take focus';";
  }

  private static Key key(String name) {
    return switch (name) {
      case "Enter" -> new Key("Enter", "Enter", 13, "\r");
      case "Tab" -> new Key("Tab", "Tab", 9, null);
      case "Escape" -> new Key("Escape", "Escape", 27, null);
      case "Backspace" -> new Key("Backspace", "Backspace", 8, null);
      case "Delete" -> new Key("Delete", "Delete", 46, null);
      case "Home" -> new Key("Home", "Home", 36, null);
      case "End" -> new Key("End", "End", 35, null);
      case "ArrowLeft" -> new Key("ArrowLeft", "ArrowLeft", 37, null);
      case "ArrowUp" -> new Key("ArrowUp", "ArrowUp", 38, null);
      case "ArrowRight" -> new Key("ArrowRight", "ArrowRight", 39, null);
      case "ArrowDown" -> new Key("ArrowDown", "ArrowDown", 40, null);
      case " " -> new Key(" ", "Space", 32, " ");
      default -> {
        if (name.length() == 1 && name.charAt(0) < 128 && Character.isLetterOrDigit(name.charAt(0))) {
          char c = name.charAt(0);
          char upper = Character.toUpperCase(c);
          yield new Key(name, (Character.isDigit(c) ? "Digit" : "Key") + upper, upper, name);
        }
        throw new IllegalArgumentException("no key " + name + " (Enter, Tab, Escape, ..., a letter or digit)");
      }
    };
  }

  /** Chooses {@code files} in the file input {@code cssSelector}, as the file picker would (its change event fires). */
  public void setFiles(String cssSelector, Path... files) {
    JsonArray paths = new JsonArray();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no file " + file);
      }
      paths.add(file.toAbsolutePath().toString());
    }
    int root = cdp("DOM.getDocument", new JsonObject().put("depth", 0)).getJsonObject("root").getInteger("nodeId");
    int node = cdp("DOM.querySelector", new JsonObject().put("nodeId", root).put("selector", cssSelector)).getInteger("nodeId");
    if (node == 0) {
      throw new AssertionError("no element matches " + cssSelector + " in " + evaluate("location.href"));
    }
    cdp("DOM.setFileInputFiles", new JsonObject().put("nodeId", node).put("files", paths));
  }

  /**
   * Lets the page download into {@code dir}; files keep the name the server suggests (the
   * "allow" behaviour; "allowAndName" would name them by their guid).
   */
  public void allowDownloads(Path dir) throws IOException {
    Files.createDirectories(dir);
    downloadDir = dir.toAbsolutePath();
    call(null, "Browser.setDownloadBehavior", new JsonObject().put("behavior", "allow")
        .put("downloadPath", downloadDir.toString()).put("eventsEnabled", true));
  }

  /**
   * The file of the download named {@code fileName} (the first of that name) once complete;
   * downloads that finished before the call count too.
   */
  public Path awaitDownload(String fileName, Duration timeout) {
    if (downloadDir == null) {
      throw new IllegalStateException("allowDownloads first");
    }
    CompletableFuture<Path> download = downloads.computeIfAbsent(fileName, n -> new CompletableFuture<>());
    try {
      return await(download, timeout, "download of " + fileName);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (downloads begun: " + downloadNames.values() + ")", e);
    }
  }

  /** The visible part of the page as a PNG. */
  public byte[] screenshot() {
    return Base64.getDecoder().decode(cdp("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data"));
  }

  /** Writes {@link #screenshot} to {@code file}, to see what a failing test saw. */
  public Path saveScreenshot(Path file) throws IOException {
    return Files.write(file, screenshot());
  }

  /** Chromium's output (the log in the work directory), its last lines. */
  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Closes the browser: politely, then by force; returns within about 25 s whatever state it is in. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcessHandle> children = process.descendants().toList();
    try {
      if (socket != null && !socket.isClosed()) {
        try {
          await(send(null, "Browser.close", new JsonObject()), Duration.ofSeconds(5), "answer to Browser.close");
        } catch (RuntimeException | AssertionError e) {
          // it may drop the connection before it answers; the process is what matters
        }
        socket.close();
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      children.forEach(ProcessHandle::destroyForcibly);
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // threads of a test JVM; nothing to do about them
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String describe(JsonObject details) {
    JsonObject exception = details.getJsonObject("exception");
    String what = exception == null ? null
        : exception.containsKey("description") ? exception.getString("description")
        : String.valueOf(exception.getValue("value"));
    String text = details.getString("text", "exception") + (what == null ? "" : " " + what);
    // an Error's description carries its stack, and with it where it was thrown
    return text.contains("\n    at ") ? text : text + " (at " + details.getString("url", "?") + ":"
        + (details.getInteger("lineNumber", -1) + 1) + ":" + (details.getInteger("columnNumber", -1) + 1) + ")";
  }
}
