package dev.deltasync.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A client of the push channel ({@code GET /v1/events}): its events, read on a thread. */
final class EventStream implements AutoCloseable {
  /** One server-sent event. */
  record Event(String name, JsonNode data) {}

  private final HttpResponse<Stream<String>> response;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final java.util.concurrent.CountDownLatch ended =
      new java.util.concurrent.CountDownLatch(1);
  private final Thread reader;

  EventStream(String baseUrl, String deviceToken) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    this.response =
        client.send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/v1/events"))
                .header("Authorization", "Bearer " + deviceToken)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    this.reader = Thread.ofVirtual().start(this::read);
  }

  int status() {
    return response.statusCode();
  }

  String contentType() {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private void read() {
    String name = "";
    StringBuilder data = new StringBuilder();
    try {
      for (String line : (Iterable<String>) response.body()::iterator) {
        if (line.isEmpty()) {
          if (!name.isEmpty()) {
            events.add(new Event(name, Http.JSON.readTree(data.toString())));
          }
          name = "";
          data.setLength(0);
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // closed
    }
    ended.countDown();
  }

  /** Whether the server ended the stream within {@code timeout}. */
  boolean endsWithin(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next event; fails when none comes within {@code timeout}. */
  Event next(Duration timeout) throws InterruptedException {
    Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("no event within " + timeout);
    }
    return event;
  }

  /** Whether no event comes within {@code timeout}. */
  boolean quietFor(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS) == null;
  }

  @Override
  public void close() {
    response.body().close();
    reader.interrupt();
  }
}
