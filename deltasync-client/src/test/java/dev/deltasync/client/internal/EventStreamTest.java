package dev.deltasync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.HeadListener;
import dev.deltasync.client.RetryPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The event-stream reader against a scripted server. */
class EventStreamTest {
  final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

  final HeadListener listener =
      new HeadListener() {
        @Override
        public void heads(Map<String, Long> heads) {
          heard.add("heads " + heads);
        }

        @Override
        public void headChanged(String collection, long head) {
          heard.add("head " + collection + "=" + head);
        }

        @Override
        public void disconnected(IOException cause, boolean reconnecting) {
          heard.add("disconnected " + reconnecting);
        }
      };

  private static FakeServer.Answer events(String text, long stallMillis) {
    return exchange -> stream(exchange, text, stallMillis);
  }

  private static void stream(HttpExchange exchange, String text, long stallMillis)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    try {
      Thread.sleep(stallMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.close();
  }

  private static Transport transport(FakeServer server, Duration idle) {
    return new Transport(
        ClientOptions.of(server.url())
            .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)))
            .withEventsIdleTimeout(idle));
  }

  @Test
  void eventsAreParsedWhateverTheLineEndsAndStaleHeadsAreDropped() throws Exception {
    String text =
        "event: heads\ndata: {\"heads\":{\"docs\":3,\"a/b\":1}}\n\n"
            + ": keep-alive\n\n"
            + "event: head\r\ndata: {\"collection\":\"docs\",\"head\":3}\r\n\r\n"
            + "event: head\rdata: {\"collection\":\"docs\",\"head\":4}\r\r"
            + "event: future\ndata: {}\n\n"
            + "event:head\ndata:{\"collection\":\n"
            + "data:\"a/b\",\"head\":2}\n\n"
            + "event: head\ndata: {\"collection\":\"docs\",\"head\":9}"; // unfinished: dropped
    try (FakeServer server = new FakeServer(events(text, 0), events("", 60_000));
        Transport transport = transport(server, Duration.ofSeconds(30));
        EventStream stream =
            EventStream.start(
                transport, Urls.resolve(server.url(), "/v1/events"), () -> "Bearer x", listener)) {
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("heads {a/b=1, docs=3}");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("head docs=4");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("head a/b=2");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("disconnected true");
      assertThat(stream.connected()).as("until the next heads event").isFalse();
      assertThat(server.requests).first().asString().isEqualTo("GET /v1/events Bearer x");
    }
  }

  @Test
  void aSilentStreamIsDroppedAfterTheIdleTimeoutAndConnectedAgain() throws Exception {
    String heads = "event: heads\ndata: {\"heads\":{}}\n\n";
    try (FakeServer server = new FakeServer(events(heads, 60_000));
        Transport transport = transport(server, Duration.ofMillis(400));
        EventStream stream =
            EventStream.start(
                transport, Urls.resolve(server.url(), "/v1/events"), () -> "Bearer x", listener)) {
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("heads {}");
      assertThat(stream.connected()).isTrue();
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("disconnected true");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("heads {}");
      assertThat(server.requests).hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void refusedCredentialsEndTheSubscription() throws Exception {
    try (FakeServer server =
            new FakeServer(FakeServer.problem(401, "unauthorized", "the device was revoked"));
        Transport transport = transport(server, Duration.ofSeconds(30));
        EventStream stream =
            EventStream.start(
                transport, Urls.resolve(server.url(), "/v1/events"), () -> "Bearer x", listener)) {
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("disconnected false");
      Thread.sleep(200);
      assertThat(server.requests).hasSize(1);
      assertThat(stream.connected()).isFalse();
    }
  }
}
