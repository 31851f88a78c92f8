package org.sealpost.testing;

import com.google.protobuf.Message;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.sealpost.protocol.AuthRequest;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;

/**
 * A blocking TCP socket speaking length-prefixed frames, for tests that must misbehave in ways
 * the SDK never would: stop reading, pipeline thousands of requests, send hostile bytes.
 */
public final class RawFrameSocket implements AutoCloseable {
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;
  private long nextId = 1;

  private RawFrameSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
    this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
  }

  /** Connects; {@code receiveBuffer} > 0 shrinks the socket's receive buffer (a slow reader). */
  public static RawFrameSocket connect(int port, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    return new RawFrameSocket(socket);
  }

  /** How long a read may wait before it fails with a SocketTimeoutException. */
  public RawFrameSocket timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
    return this;
  }

  /** Sends PUT /v1/auth and returns the answer's status. */
  public int authenticate(DeviceCredentials credentials) throws IOException {
    long id = request("PUT", "/v1/auth", AuthRequest.newBuilder().setNumber(credentials.getNumber())
        .setDeviceId(credentials.getDeviceId()).setPassword(credentials.getPassword()).build());
    flush();
    Response response = nextResponse();
    if (response.getId() != id) {
      throw new IOException("expected the answer to request " + id + ", got " + response);
    }
    return response.getStatus();
  }

  /** Writes a request (buffered; see {@link #flush}) and returns its id. */
  public long request(String verb, String path, Message body) throws IOException {
    long id = nextId++;
    writeFrame(Frame.newBuilder().setRequest(Request.newBuilder().setId(id).setVerb(verb).setPath(path)
        .setBody(body.toByteString())).build().toByteArray());
    return id;
  }

  /** Answers a server request (a delivery) with {@code status} (buffered). */
  public void answer(long id, int status) throws IOException {
    writeFrame(Frame.newBuilder().setResponse(Response.newBuilder().setId(id).setStatus(status)).build().toByteArray());
  }

  /** Writes one length-prefixed frame of arbitrary bytes (buffered). */
  public void writeFrame(byte[] frame) throws IOException {
    out.writeInt(frame.length);
    out.write(frame);
  }

  /** Writes raw bytes, no length prefix (buffered). */
  public void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  public void flush() throws IOException {
    out.flush();
  }

  /** The next frame from the server, or null once the server closed the connection. */
  public Frame nextFrame() throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return Frame.parseFrom(bytes);
  }

  /** The next response, skipping server requests (deliveries, markers); null once closed. */
  public Response nextResponse() throws IOException {
    for (Frame frame = nextFrame(); frame != null; frame = nextFrame()) {
      if (frame.hasResponse()) {
        return frame.getResponse();
      }
    }
    return null;
  }

  /** The next raw byte from the server, whatever it is; -1 once the server closed the connection. */
  public int readByte() throws IOException {
    try {
      return in.read();
    } catch (SocketException reset) {
      return -1;
    }
  }

  /** Reads and drops everything until the server closes; true if it did within the socket timeout. */
  public boolean drainsToClose() throws IOException {
    byte[] sink = new byte[64 * 1024];
    try {
      while (socket.getInputStream().read(sink) >= 0) {
        // keep draining
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
