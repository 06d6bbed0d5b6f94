package dev.deltasync.client.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A scripted HTTP server (the JDK's) for tests of the transport: each request gets the next answer
 * of the script, the last one repeats; requests are recorded.
 */
final class FakeServer implements AutoCloseable {
  /** What to answer. */
  @FunctionalInterface
  interface Answer {
    void send(HttpExchange exchange) throws IOException;
  }

  private final HttpServer http;
  private final List<Answer> script;
  final List<String> requests = new CopyOnWriteArrayList<>();

  FakeServer(Answer... answers) throws IOException {
    this.script = List.of(answers);
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext(
        "/",
        exchange -> {
          int n = requests.size();
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          requests.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI().getRawPath()
                  + (auth == null ? "" : " " + auth));
          exchange.getRequestBody().readAllBytes();
          try {
            script.get(Math.min(n, script.size() - 1)).send(exchange);
          } finally {
            exchange.close();
          }
        });
    http.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  static Answer json(int status, String body) {
    return exchange -> send(exchange, status, "application/json", body);
  }

  static Answer problem(int status, String type, String detail) {
    return exchange ->
        send(
            exchange,
            status,
            "application/problem+json",
            "{\"type\":\"https://deltasync.dev/problems/"
                + type
                + "\",\"title\":\"x\",\"status\":"
                + status
                + ",\"detail\":\""
                + detail
                + "\"}");
  }

  static Answer withHeader(String name, String value, Answer answer) {
    return exchange -> {
      exchange.getResponseHeaders().add(name, value);
      answer.send(exchange);
    };
  }

  static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
