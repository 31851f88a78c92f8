package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.SendMessageResponse;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * The REST API's bodies (docs/protocol.md, "HTTP bodies"): protobuf's JSON mapping unless
 * protobuf is asked for, checked on {@code PUT /v1/messages} from alice to bob, who reads his
 * deliveries over a frame connection.
 */
class HttpJsonTest {
  private static final String JSON = "application/json";
  private static final String PROTOBUF = "application/x-protobuf";

  @TempDir Path dataDir;
  private TestServer server;
  private DeviceCredentials alice;
  private TestDevice bob;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    alice = server.register();
    bob = server.device(server.register());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void uint64FieldsAreJsonStringsAndKeepAll64Bits() throws Exception {
    ByteString big = TestDevice.newMessageId();
    ByteString small = TestDevice.newMessageId();
    long before = System.currentTimeMillis();

    HttpResponse<String> asString = put(JSON, null, message(big, "\"18446744073709551615\"", "\"SIGNAL_MESSAGE\""));
    HttpResponse<String> asNumber = put(JSON, null, message(small, "1234", "\"SIGNAL_MESSAGE\""));

    assertThat(asString.statusCode()).as(asString.body()).isEqualTo(200);
    assertThat(asString.body()).matches("\\{\"serverTimestamp\":\"\\d+\"\\}");
    long serverTimestamp = Long.parseLong(asString.body().replaceAll("\\D", ""));
    assertThat(serverTimestamp).isBetween(before, System.currentTimeMillis());
    assertThat(asNumber.statusCode()).as(asNumber.body()).isEqualTo(200);
    Envelope first = bob.next();
    assertThat(first.getMessageId()).isEqualTo(big);
    assertThat(Long.toUnsignedString(first.getClientTimestamp())).as("2^64 - 1, all 64 bits").isEqualTo("18446744073709551615");
    Envelope second = bob.next();
    assertThat(second.getMessageId()).isEqualTo(small);
    assertThat(second.getClientTimestamp()).isEqualTo(1234);
  }

  @Test
  void contentTypeChoosesHowTheRequestIsRead() throws Exception {
    ByteString viaJson = TestDevice.newMessageId();
    ByteString viaNoType = TestDevice.newMessageId();
    ByteString viaProtobuf = TestDevice.newMessageId();

    HttpResponse<String> json = put(JSON + "; charset=utf-8", null, message(viaJson, "1", "\"SIGNAL_MESSAGE\""));
    HttpResponse<String> untyped = put(null, null, message(viaNoType, "1", "\"SIGNAL_MESSAGE\""));
    HttpResponse<byte[]> protobuf = putBytes(PROTOBUF, null,
        TestDevice.request(bob.number(), List.of(1), viaProtobuf, "binary", false).toByteArray());
    HttpResponse<String> text = put("text/plain", null, message(TestDevice.newMessageId(), "1", "\"SIGNAL_MESSAGE\""));
    HttpResponse<String> empty = put(JSON, null, "");

    assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
    assertThat(untyped.statusCode()).as(untyped.body()).isEqualTo(200);
    assertThat(protobuf.statusCode()).isEqualTo(200);
    assertThat(text.statusCode()).isEqualTo(400);
    assertThat(text.body()).contains("\"code\":\"BAD_REQUEST\"").contains("Content-Type must be");
    // An empty body is a SendMessageRequest at its defaults, whose message id is empty.
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("messageId must be 16 bytes");
    assertThat(bob.take(3, 10)).extracting(Envelope::getMessageId).containsExactly(viaJson, viaNoType, viaProtobuf);
  }

  @Test
  void protobufIsAnsweredWhenAskedForOrSentAndJsonOtherwise() throws Exception {
    String body = message(TestDevice.newMessageId(), "1", "\"SIGNAL_MESSAGE\"");
    byte[] unknownDestination = TestDevice.request("+15559999999", List.of(1), TestDevice.newMessageId(), "x", false)
        .toByteArray();

    HttpResponse<String> json = put(JSON, null, body);
    HttpResponse<byte[]> accepted = putBytes(JSON, PROTOBUF, message(TestDevice.newMessageId(), "1", "\"SIGNAL_MESSAGE\"")
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> error = putBytes(PROTOBUF, null, unknownDestination);
    HttpResponse<String> jsonError = put(JSON, null, body.replace(bob.number(), "+15559999999"));

    assertThat(json.headers().firstValue("Content-Type")).hasValue(JSON);
    assertThat(json.body()).startsWith("{\"serverTimestamp\":");
    assertThat(accepted.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
    assertThat(SendMessageResponse.parseFrom(accepted.body()).getServerTimestamp()).isPositive();
    assertThat(error.statusCode()).isEqualTo(404);
    assertThat(error.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
    assertThat(ErrorBody.parseFrom(error.body()).getCode()).isEqualTo("NOT_FOUND");
    assertThat(jsonError.statusCode()).isEqualTo(404);
    assertThat(jsonError.headers().firstValue("Content-Type")).hasValue(JSON);
    assertThat(jsonError.body()).contains("\"code\":\"NOT_FOUND\"");
  }

  @Test
  void jsonTakesBothFieldNamesEnumNamesAndNumbersAndLeavesOutDefaults() throws Exception {
    ByteString named = TestDevice.newMessageId();
    ByteString numbered = TestDevice.newMessageId();
    // proto field names, an enum by name, base64 bytes, a field the server does not know
    String protoNames = "{\"message_id\":\"" + base64(named) + "\",\"destination\":\"" + bob.number() + "\","
        + "\"colour\":\"blue\",\"messages\":[{\"device_id\":1,\"type\":\"PREKEY_MESSAGE\",\"content\":\"AAEC/w==\"}]}";

    HttpResponse<String> first = put(JSON, null, protoNames);
    HttpResponse<String> retry = put(JSON, null, protoNames);
    HttpResponse<String> byNumber = put(JSON, null, message(numbered, "1", "2"));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).as("duplicate = false is left out").doesNotContain("duplicate");
    assertThat(retry.body()).contains("\"duplicate\":true");
    assertThat(byNumber.statusCode()).as(byNumber.body()).isEqualTo(200);
    Envelope viaNames = bob.next();
    assertThat(viaNames.getMessageId()).isEqualTo(named);
    assertThat(viaNames.getContentType()).isEqualTo(ContentType.PREKEY_MESSAGE);
    assertThat(viaNames.getContent().toByteArray()).isEqualTo(new byte[] {0, 1, 2, (byte) 0xff});
    Envelope viaNumber = bob.next();
    assertThat(viaNumber.getMessageId()).isEqualTo(numbered);
    assertThat(viaNumber.getContentType()).isEqualTo(ContentType.SIGNAL_MESSAGE);
  }

  /** A JSON SendMessageRequest to bob's device 1, with {@code timestamp} and {@code type} as given (JSON values). */
  private String message(ByteString id, String timestamp, String type) {
    return "{\"messageId\":\"" + base64(id) + "\",\"destination\":\"" + bob.number() + "\",\"timestamp\":" + timestamp
        + ",\"messages\":[{\"deviceId\":1,\"type\":" + type + ",\"content\":\"eA==\"}]}";
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private HttpResponse<String> put(String contentType, String accept, String body) throws Exception {
    return http.send(request(contentType, accept).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> putBytes(String contentType, String accept, byte[] body) throws Exception {
    return http.send(request(contentType, accept).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest.Builder request(String contentType, String accept) {
    String basic = "Basic " + Base64.getEncoder().encodeToString((alice.getNumber() + "." + alice.getDeviceId() + ":"
        + alice.getPassword()).getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri().resolve("/v1/messages"))
        .header("Authorization", basic);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return request;
  }
}
