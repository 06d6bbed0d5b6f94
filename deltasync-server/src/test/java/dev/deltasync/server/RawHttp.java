package dev.deltasync.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a plain socket, for what a well-behaved client never does: stop in the middle of a
 * body, stream past a limit, send a request line the server must refuse.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /** An answer: status, headers (names in lower case) and body. */
  @SuppressWarnings("ArrayRecordComponent") // a test's view of bytes, never compared as a record
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  RawHttp(String baseUrl) throws IOException {
    URI uri = URI.create(baseUrl);
    this.socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(30_000);
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** Sends the request line and headers ({@code Host} is added). */
  RawHttp head(String requestLine, String... headers) throws IOException {
    StringBuilder text = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
    for (String header : headers) {
      text.append(header).append("\r\n");
    }
    text.append("\r\n");
    out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** Sends body bytes as they are. */
  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Sends body bytes, unless the server has answered and closed its side already. */
  RawHttp sendUnlessClosed(byte[] bytes) {
    try {
      send(bytes);
    } catch (IOException e) {
      // the server answered and closed its side: read the answer
    }
    return this;
  }

  /**
   * Sends {@code bytes} as chunks of a chunked body until all are sent or the server stops reading
   * (it answered already); does not end the body.
   */
  RawHttp sendChunked(byte[] bytes, int chunk) {
    try {
      for (int at = 0; at < bytes.length; at += chunk) {
        int n = Math.min(chunk, bytes.length - at);
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, at, n);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      // the server answered and closed its side: read the answer
    }
    return this;
  }

  /** Reads one answer whose body has a Content-Length (or none). */
  Answer read() throws IOException {
    String statusLine = line();
    // "HTTP/1.1 404 Not Found"
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).strip());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Answer(status, headers, in.readNBytes(length));
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b < 0 && line.size() == 0) {
      throw new IOException("the server closed the connection without an answer");
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
