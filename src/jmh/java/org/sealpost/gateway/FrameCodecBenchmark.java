package org.sealpost.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.buffer.Buffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.SendMessageRequest;

/**
 * The gateway's frame codec on the two frames every message crosses: a client's send (decoded)
 * and a delivery to the recipient (encoded, TCP length prefix). The {@code plain*} methods are
 * the straightforward way (copy out, toByteArray, wrap, prepend the length) for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {
  @Param({"300", "4096"})
  int payloadBytes;

  private Buffer sendFrameBytes;
  private Frame deliveryFrame;

  @Setup
  public void setUp() {
    byte[] payload = new byte[payloadBytes];
    new Random(1).nextBytes(payload);
    SendMessageRequest send = SendMessageRequest.newBuilder()
        .setMessageId(ByteString.copyFrom(payload, 0, 16)).setDestination("+15550000001")
        .setTimestamp(1_700_000_000_000L)
        .addMessages(OutgoingMessage.newBuilder().setDeviceId(1).setType(ContentType.SIGNAL_MESSAGE)
            .setContent(ByteString.copyFrom(payload)))
        .build();
    Frame sendFrame = Frame.newBuilder().setRequest(Request.newBuilder().setId(7).setVerb("PUT")
        .setPath("/v1/messages").setBody(send.toByteString())).build();
    sendFrameBytes = Buffer.buffer(sendFrame.toByteArray());
    Envelope envelope = Envelope.newBuilder().setType(Envelope.Type.MESSAGE)
        .setMessageId(ByteString.copyFrom(payload, 0, 16)).setSource("+15550000002").setSourceDevice(1)
        .setDestination("+15550000001").setDestinationDevice(1).setClientTimestamp(1_700_000_000_000L)
        .setServerTimestamp(1_700_000_000_001L).setContentType(ContentType.SIGNAL_MESSAGE)
        .setContent(ByteString.copyFrom(payload)).setSeq(42).build();
    deliveryFrame = Frame.newBuilder().setRequest(Request.newBuilder().setId(9).setVerb("PUT")
        .setPath("/v1/message").setBody(envelope.toByteString())).build();
  }

  @Benchmark
  public Frame decode() throws InvalidProtocolBufferException {
    return FrameCodec.decode(sendFrameBytes);
  }

  @Benchmark
  public Frame plainDecode() throws InvalidProtocolBufferException {
    return Frame.parseFrom(sendFrameBytes.getBytes());
  }

  @Benchmark
  public Buffer encode() {
    return FrameCodec.encode(deliveryFrame, true);
  }

  @Benchmark
  public Buffer plainEncode() {
    Buffer frame = Buffer.buffer(deliveryFrame.toByteArray());
    return Buffer.buffer(4 + frame.length()).appendInt(frame.length()).appendBuffer(frame);
  }
}
