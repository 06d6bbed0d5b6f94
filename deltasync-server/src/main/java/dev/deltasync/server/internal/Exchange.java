package dev.deltasync.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;

/**
 * One request and its response, with what the routes need: path segments (percent-decoded one by
 * one, so a collection name may contain {@code /}), query parameters, size-limited bodies, JSON and
 * byte answers. Blocking: handlers run on virtual threads.
 */
final class Exchange {
  final Request request;
  final Response response;
  final String method;
  final List<String> segments;
  private final Fields query;

  /** The route template, for metrics and logs (never the actual names). */
  String route = "unmatched";

  /** The authenticated user's id, for logs; -1 before authentication. */
  long userId = -1;

  private long bytesIn;
  private long bytesOut;

  Exchange(Request request, Response response) throws Problem {
    this.request = request;
    this.response = response;
    this.method = request.getMethod();
    String raw = request.getHttpURI().getPath();
    List<String> parts = new ArrayList<>();
    for (String part : raw.split("/", -1)) {
      if (!part.isEmpty()) {
        String decoded;
        try {
          decoded = URIUtil.decodePath(part);
        } catch (RuntimeException e) {
          throw Problem.badRequest("the path is not valid percent-encoded UTF-8");
        }
        parts.add(decoded);
      }
    }
    this.segments = List.copyOf(parts);
    try {
      this.query = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw Problem.badRequest("the query string is not valid");
    }
  }

  /** Refuses a method the route does not answer, with 405 and the {@code Allow} header. */
  void requireMethod(String... allowed) throws Problem {
    for (String answered : allowed) {
      if (answered.equals(method)) {
        return;
      }
    }
    String list = String.join(", ", allowed);
    throw Problem.methodNotAllowed(route + " answers " + list + ", not " + method)
        .withHeader("Allow", list);
  }

  String path() {
    return request.getHttpURI().getPath();
  }

  @Nullable String header(String name) {
    return request.getHeaders().get(name);
  }

  @Nullable String query(String name) {
    return query.getValue(name);
  }

  long queryLong(String name, long fallback, long min, long max) throws Problem {
    String value = query(name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw Problem.badRequest(
            name + " must be between " + min + " and " + max + ", not " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw Problem.badRequest(name + " must be a whole number, not \"" + value + "\"");
    }
  }

  /** The declared body length, or -1 when the client did not declare one. */
  long contentLength() {
    return request.getLength();
  }

  /**
   * The body as a stream that fails with {@link Problem} 413 after {@code max} bytes. A declared
   * length above {@code max} is refused before anything is read.
   */
  InputStream body(long max) throws Problem {
    long declared = contentLength();
    if (declared > max) {
      throw Problem.tooLarge(
          "the body has " + declared + " bytes; at most " + max + " are accepted here");
    }
    InputStream in = Content.Source.asInputStream(request);
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          bytesIn += n;
          if (bytesIn > max) {
            throw new BodyTooLarge(max);
          }
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  /** The whole body, at most {@code max} bytes. */
  byte[] bodyBytes(int max) throws Problem, IOException {
    try (InputStream in = body(max)) {
      return in.readAllBytes();
    }
  }

  void json(int status, Object value) throws IOException {
    bytes(status, "application/json", Json.write(value));
  }

  void problem(Problem problem) throws IOException {
    byte[] body = Json.write(problem.document(path()));
    response.reset();
    problem.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    if (!discardAvailable()
        && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1) {
      // Refused before its body was read (too large, not authorized): the connection cannot carry
      // another request, so say that it closes, or a client reuses it and fails.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    if (problem.status() == 401 && !problem.headers().containsKey("WWW-Authenticate")) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"deltasync\"");
    }
    Object retry = problem.member("retryAfterSeconds");
    if (retry != null) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(retry));
    }
    bytes(problem.status(), "application/problem+json", body);
  }

  /**
   * Reads and throws away what has arrived of the request's body without waiting for more; true
   * when that was the end of it. Unlike Jetty's {@code consumeAvailable}, this leaves the body
   * readable, so the rest can still be drained after the answer (see {@code ApiHandler.linger}).
   */
  private boolean discardAvailable() {
    if (request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
      return request.getLength() == 0; // reading would send "100 Continue"
    }
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null || Content.Chunk.isFailure(chunk)) {
        return false;
      }
      chunk.release();
      if (chunk.isLast()) {
        return true;
      }
    }
  }

  void bytes(int status, String contentType, byte[] body) throws IOException {
    try (OutputStream stream = stream(status, contentType, body.length)) {
      stream.write(body);
    }
  }

  void noContent() {
    response.setStatus(204);
  }

  /** Starts an answer of {@code length} bytes (-1: unknown) and returns where to write it. */
  OutputStream stream(int status, String contentType, long length) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    if (length >= 0) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }
    OutputStream sink = Content.Sink.asOutputStream(response);
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            sink.write(b);
            bytesOut++;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            sink.write(b, off, len);
            bytesOut += len;
          }

          @Override
          public void flush() throws IOException {
            sink.flush();
          }

          @Override
          public void close() throws IOException {
            sink.close();
          }
        };
    return counting;
  }

  long bytesIn() {
    return bytesIn;
  }

  long bytesOut() {
    return bytesOut;
  }

  /** A body went over its limit while being read. */
  static final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final long max;

    BodyTooLarge(long max) {
      super("the body has more than " + max + " bytes");
      this.max = max;
    }
  }
}
