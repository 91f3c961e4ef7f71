package org.sdlgm.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A POST whose body arrives in two halves, over a plain socket: after the first half the server is
 * handling it (reading the rest), so a test can stop the server while the request is in flight and
 * then let it finish.
 */
final class SlowRequest implements AutoCloseable {
  private final Socket socket;
  private final byte[] body;

  SlowRequest(int port, String path, String json) throws IOException {
    this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(60_000);
    this.body = json.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, body.length / 2);
    out.flush();
  }

  /** Sends the rest of the body and returns the whole response. */
  String finish() throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(body, body.length / 2, body.length - body.length / 2);
    out.flush();
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
