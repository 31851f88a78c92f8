package org.sealpost.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Plain sockets against a listener, as an idle or hostile client holds them. */
public final class Sockets {
  private Sockets() {}

  /**
   * A port on 127.0.0.1 where nothing listens, held for as long as the returned socket is open: it
   * is bound (so no other process can take the port meanwhile) but never listens, so a connection
   * to it is refused at once. Closing a listener and using its port instead races with whatever
   * binds the port next, and a connection that then hangs is a flaky test.
   */
  public static Socket refusingPort() throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return socket;
  }

  /** A connection from local address {@code from} to 127.0.0.1:{@code port}. */
  public static Socket connect(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return socket;
  }

  /** True when the server closes the connection (end of stream or reset) within {@code millis}, no byte read. */
  public static boolean closedByServer(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** The status line of a GET on {@code socket} (kept open unless {@code close}); IOException when the server closes instead. */
  public static String get(Socket socket, String path, boolean close) throws IOException {
    socket.setSoTimeout(5000);
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    String status = line(in);
    if (status.isEmpty()) {
      throw new IOException("closed without an answer");
    }
    // The rest of the response too, so that the connection can take the next request.
    int length = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(header.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return status;
  }

  /** One line without its CRLF; empty at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** The status line of a GET from {@code from} on a connection of its own. */
  public static String get(String from, int port, String path) throws IOException {
    try (Socket socket = connect(from, port)) {
      return get(socket, path, true);
    }
  }
}
