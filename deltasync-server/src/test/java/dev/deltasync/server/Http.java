package dev.deltasync.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small HTTP client for the tests, on the JDK's {@link HttpClient}: {@code
 * http.post("/v1/devices").basic("alice", pw).json("{...}").send()}.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PROBLEM_TYPE = "application/problem+json";
  static final String PROBLEMS = "https://deltasync.dev/problems/";
  static final String EVENT_STREAM = "text/event-stream";

  private static final HttpClient DEFAULT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final String base;
  private final HttpClient client;

  Http(String base) {
    this(base, DEFAULT);
  }

  Http(String base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  String base() {
    return base;
  }

  /** One path segment, percent-encoded (a collection name may hold '/'). */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Call call(String method, String path) {
    return new Call(method, path);
  }

  Call get(String path) {
    return call("GET", path);
  }

  Call post(String path) {
    return call("POST", path);
  }

  Call put(String path) {
    return call("PUT", path);
  }

  Call delete(String path) {
    return call("DELETE", path);
  }

  /** A request being put together. */
  final class Call {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private boolean hasBody;

    private Call(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Call auth(String authorization) {
      headers.put("Authorization", authorization);
      return this;
    }

    Call bearer(String token) {
      return auth("Bearer " + token);
    }

    Call basic(String user, String password) {
      return auth(Http.basic(user, password));
    }

    Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Call json(String json) {
      return body(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    Call body(byte[] bytes, String contentType) {
      headers.put("Content-Type", contentType);
      this.body = bytes;
      this.hasBody = true;
      return this;
    }

    HttpRequest request() {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(60))
              .method(
                  method,
                  hasBody
                      ? HttpRequest.BodyPublishers.ofByteArray(body)
                      : HttpRequest.BodyPublishers.noBody());
      headers.forEach(request::header);
      return request.build();
    }

    /**
     * Sends the request and reads the whole answer; an event stream (the push channel) is closed
     * after its headers, with an empty body.
     */
    Reply send() {
      try {
        HttpResponse<InputStream> response =
            client.send(request(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
          boolean stream =
              response.headers().firstValue("Content-Type").orElse("").startsWith(EVENT_STREAM);
          body = stream ? new byte[0] : in.readAllBytes();
        }
        return new Reply(response.statusCode(), response.headers(), body);
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + path + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** An answer. */
  @SuppressWarnings("ArrayRecordComponent") // a test's view of bytes, never compared as a record
  record Reply(int status, HttpHeaders headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + status + "): " + text(), e);
      }
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    String contentType() {
      return header("Content-Type").orElse("");
    }

    /** The problem type's slug ({@code not-found}), or "" when this is not a problem. */
    String problem() {
      if (!contentType().startsWith(PROBLEM_TYPE)) {
        return "";
      }
      return json().path("type").asText().replace(PROBLEMS, "");
    }

    String detail() {
      return json().path("detail").asText();
    }

    @Override
    public String toString() {
      return status
          + " "
          + contentType()
          + " "
          + (body.length > 2000 ? body.length + " bytes" : text());
    }
  }
}
