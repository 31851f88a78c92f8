package org.sealpost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser tests' driver against a page of its own: clicks, typing, key presses, chosen files
 * and downloads reach the page as a user's would, and every kind of JavaScript error is caught.
 */
class BrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final byte[] DOWNLOAD = new byte[200_000];
  private static final String PAGE = """
      <!doctype html><html><head><meta charset="utf-8"><title>driver test</title></head><body>
      <button id="count">count</button> <span id="clicks">0</span>
      <button id="off" disabled>off</button> <button id="hidden" style="display:none">hidden</button>
      <input id="name"> <span id="entered"></span> <span id="inputs">0</span>
      <input id="file" type="file"> <span id="chosen"></span>
      <a id="get" href="/download" download>download</a>
      <img src="/missing.png" alt="">
      <script>
        let clicks = 0, inputs = 0;
        const $ = id => document.getElementById(id);
        $('count').addEventListener('click', () => { $('clicks').textContent = ++clicks; });
        $('name').addEventListener('input', () => { $('inputs').textContent = ++inputs; });
        $('name').addEventListener('keydown', e => { if (e.key === 'Enter') $('entered').textContent = e.target.value; });
        $('file').addEventListener('change', async e => {
          const file = e.target.files[0];
          $('chosen').textContent = file.name + ':' + (await file.arrayBuffer()).byteLength;
        });
      </script></body></html>
      """;

  private static Vertx vertx;
  private static HttpServer server;
  private static String base;

  @BeforeAll
  static void serve() {
    new Random(7).nextBytes(DOWNLOAD);
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> {
      HttpServerResponse response = request.response();
      switch (request.path()) {
        case "/" -> response.putHeader("content-type", "text/html; charset=utf-8").end(PAGE);
        case "/throws" -> response.putHeader("content-type", "text/html; charset=utf-8")
            .end("<!doctype html><p>throws</p><script>throw new Error('thrown on purpose')</script>");
        case "/rejects" -> response.putHeader("content-type", "text/html; charset=utf-8")
            .end("<!doctype html><p>rejects</p><script>Promise.reject(new Error('rejected on purpose'))</script>");
        case "/download" -> response.putHeader("content-type", "application/octet-stream")
            .putHeader("content-disposition", "attachment; filename=\"report.bin\"").end(Buffer.buffer(DOWNLOAD));
        default -> response.setStatusCode(404).end();
      }
    });
    Await.await(server.listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    Await.await(vertx.close());
  }

  @BeforeEach
  void needsChromium() {
    Browser.assumeChromium();
  }

  @Test
  void clicksTypingKeysAndChosenFilesReachThePage(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("picked.txt");
    Files.write(file, new byte[12_345]);
    try (Browser browser = Browser.launch(dir.resolve("browser"))) {
      browser.navigate(base + "/");
      assertThat(browser.evaluate("document.title")).isEqualTo("driver test");

      browser.click("#count");
      browser.click("#count");
      browser.waitFor("two clicks counted", WAIT, "document.getElementById('clicks').textContent === '2'");
      assertThatThrownBy(() -> browser.click("#off")).isInstanceOf(AssertionError.class).hasMessageContaining("#off is disabled");
      assertThatThrownBy(() -> browser.click("#hidden")).isInstanceOf(AssertionError.class).hasMessageContaining("not displayed");
      assertThatThrownBy(() -> browser.click("#nothing")).isInstanceOf(AssertionError.class)
          .hasMessageContaining("no element matches #nothing");

      browser.type("#name", "héllo ");
      browser.type("#name", "wörld");
      assertThat(browser.text("#entered")).isEmpty();
      browser.press("#name", "Enter");
      browser.waitFor("Enter to be handled", WAIT, "document.getElementById('entered').textContent !== ''");
      assertThat(browser.text("#entered")).isEqualTo("héllo wörld");
      assertThat(Integer.parseInt(browser.text("#inputs"))).as("input events").isGreaterThanOrEqualTo(2);

      browser.setFiles("#file", file);
      browser.waitFor("the chosen file to be read", WAIT, "document.getElementById('chosen').textContent !== ''");
      assertThat(browser.text("#chosen")).isEqualTo("picked.txt:12345");

      assertThat(browser.screenshot()).startsWith(0x89, 'P', 'N', 'G');
      // the 404 of the image and favicon is the network's business, not a JavaScript error
      browser.assertNoJsErrors();
    }
  }

  @Test
  void evaluateGivesJsonValuesAndFailsOnExceptions(@TempDir Path dir) throws Exception {
    try (Browser browser = Browser.launch(dir)) {
      assertThat(browser.evaluate("1 + 1")).isEqualTo(2);
      assertThat(browser.evaluate("0.5")).isEqualTo(0.5);
      assertThat(browser.evaluate("'a' + 'b'")).isEqualTo("ab");
      assertThat(browser.evaluate("1 < 2")).isEqualTo(true);
      assertThat(browser.evaluate("undefined")).isNull();
      assertThat(browser.evaluate("null")).isNull();
      assertThat(browser.evaluate("({a: 1, b: [true, 'x']})"))
          .isEqualTo(new JsonObject().put("a", 1).put("b", new JsonArray().add(true).add("x")));
      assertThat(browser.evaluate("new Promise(resolve => setTimeout(() => resolve('later'), 10))")).isEqualTo("later");
      assertThatThrownBy(() -> browser.evaluate("null.x")).isInstanceOf(AssertionError.class).hasMessageContaining("TypeError");
      assertThatThrownBy(() -> browser.evaluate("Promise.reject(new Error('no'))")).isInstanceOf(AssertionError.class)
          .hasMessageContaining("Error: no");
      assertThatThrownBy(() -> browser.waitFor("false to become true", Duration.ofMillis(300), "false"))
          .isInstanceOf(AssertionError.class).hasMessageContaining("false to become true").hasMessageContaining("was false");
      // exceptions of evaluate itself are the test's, not the page's
      browser.assertNoJsErrors();
    }
  }

  @Test
  void aDownloadLandsByteForByte(@TempDir Path dir) throws Exception {
    try (Browser browser = Browser.launch(dir.resolve("browser"))) {
      browser.allowDownloads(dir.resolve("downloads"));
      browser.navigate(base + "/");
      browser.click("#get");
      Path downloaded = browser.awaitDownload("report.bin", WAIT);
      assertThat(downloaded).isEqualTo(dir.resolve("downloads").resolve("report.bin").toAbsolutePath());
      assertThat(Files.readAllBytes(downloaded)).isEqualTo(DOWNLOAD);
      browser.assertNoJsErrors();
    }
  }

  @Test
  void uncaughtErrorsAndUnhandledRejectionsAreJsErrorsButConsoleErrorsAreNot(@TempDir Path dir) throws Exception {
    try (Browser browser = Browser.launch(dir)) {
      browser.navigate(base + "/");
      browser.evaluate("console.error('logged on purpose')");
      browser.assertNoJsErrors();

      browser.navigate(base + "/throws");
      assertThat(browser.jsErrors()).singleElement().asString().contains("thrown on purpose").contains("/throws");
      assertThatThrownBy(browser::assertNoJsErrors).isInstanceOf(AssertionError.class).hasMessageContaining("thrown on purpose");

      browser.navigate(base + "/rejects");
      // reported once the page's task is over, maybe after its load: asked again, 50 ms apart (in the page)
      Await.until("the unhandled rejection to be reported", WAIT, () -> browser.jsErrors().size() == 2
          || browser.evaluate("new Promise(resolve => setTimeout(() => resolve(false), 50))") == Boolean.TRUE);
      assertThat(browser.jsErrors().get(1)).contains("rejected on purpose").contains("/rejects");

      // an error while waiting ends the wait there and then, not at the timeout
      browser.evaluate("setTimeout(() => { throw new Error('thrown while waiting') }, 50)");
      long start = System.nanoTime();
      assertThatThrownBy(() -> browser.waitFor("something that never comes", Duration.ofSeconds(20), "false"))
          .isInstanceOf(AssertionError.class).hasMessageContaining("thrown while waiting");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

      assertThat(browser.consoleErrors()).containsExactly("logged on purpose");
    }
  }

  @Test
  void twoBrowsersShareNoStorage(@TempDir Path dir) throws Exception {
    try (Browser one = Browser.launch(dir.resolve("one")); Browser two = Browser.launch(dir.resolve("two"))) {
      one.navigate(base + "/");
      two.navigate(base + "/");
      one.evaluate("localStorage.setItem('who', 'one')");
      assertThat(one.evaluate("localStorage.getItem('who')")).isEqualTo("one");
      assertThat(two.evaluate("localStorage.getItem('who')")).isNull();
    }
  }
}
