package dev.deltasync.client.internal;

import static dev.deltasync.client.internal.FakeServer.json;
import static dev.deltasync.client.internal.FakeServer.problem;
import static dev.deltasync.client.internal.FakeServer.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.client.AuthenticationException;
import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.RetryPolicy;
import dev.deltasync.client.ServerException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries and error messages of the transport, against a scripted server. */
class TransportTest {
  static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(50));

  private static Transport transport(FakeServer server) {
    return new Transport(ClientOptions.of(server.url()).withRetry(QUICK));
  }

  private static URI uri(FakeServer server, String path) {
    return Urls.resolve(server.url(), path);
  }

  private static long head(Transport transport, Call call) throws IOException {
    return transport.call(call, response -> Json.number(response.json(), "head"));
  }

  @Test
  void aGetIsRetriedAfterServerErrors() throws IOException {
    try (FakeServer server =
            new FakeServer(
                problem(503, "unavailable", "busy"), json(502, "{}"), json(200, "{\"head\":7}"));
        Transport transport = transport(server)) {
      assertThat(head(transport, Call.get(uri(server, "/v1/x"), "read x"))).isEqualTo(7);
      assertThat(server.requests).hasSize(3);
    }
  }

  @Test
  void aPostThatIsNotIdempotentIsNotRetriedAfterAServerError() throws IOException {
    try (FakeServer server =
            new FakeServer(
                problem(503, "unavailable", "the server could not complete the request"),
                json(200, "{\"head\":7}"));
        Transport transport = transport(server)) {
      assertThatThrownBy(() -> head(transport, Call.post(uri(server, "/v1/x"), "create x")))
          .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.status()).isEqualTo(503))
          .hasMessage("cannot create x: the server could not complete the request (HTTP 503)");
      assertThat(server.requests).hasSize(1);
    }
  }

  @Test
  void aTooManyRequestsAnswerIsRetriedAfterItsRetryAfter() throws IOException {
    try (FakeServer server =
            new FakeServer(
                withHeader("Retry-After", "1", problem(429, "too-many-requests", "slow down")),
                json(200, "{\"head\":7}"));
        Transport transport = transport(server)) {
      long start = System.nanoTime();
      assertThat(head(transport, Call.post(uri(server, "/v1/x"), "create x"))).isEqualTo(7);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(990));
      assertThat(server.requests).hasSize(2);
    }
  }

  @Test
  void aRetryAfterOfMoreThanAMinuteIsNotWaitedFor() throws IOException {
    try (FakeServer server =
            new FakeServer(
                withHeader(
                    "Retry-After",
                    "3600",
                    problem(429, "too-many-requests", "wait 3600 s and try again")));
        Transport transport = transport(server)) {
      assertThatThrownBy(() -> head(transport, Call.get(uri(server, "/v1/x"), "read x")))
          .isInstanceOf(ServerException.class)
          .hasMessageContaining("wait 3600 s");
      assertThat(server.requests).hasSize(1);
    }
  }

  @Test
  void retriesEndAfterTheLastAttemptWithTheServersWords() throws IOException {
    try (FakeServer server = new FakeServer(problem(503, "unavailable", "still busy"));
        Transport transport = transport(server)) {
      assertThatThrownBy(() -> head(transport, Call.get(uri(server, "/v1/x"), "read x")))
          .isInstanceOf(ServerException.class)
          .hasMessage("cannot read x: still busy (HTTP 503)");
      assertThat(server.requests).hasSize(QUICK.maxAttempts());
    }
  }

  @Test
  void anAnswerThatIsNotAProblemDocumentAsksWhetherTheUrlIsRight() throws IOException {
    try (FakeServer server =
            new FakeServer(
                exchange -> FakeServer.send(exchange, 404, "text/html", "<h1>Not Found</h1>"));
        Transport transport = transport(server)) {
      assertThatThrownBy(() -> head(transport, Call.get(uri(server, "/v1/x"), "read x")))
          .isInstanceOfSatisfying(
              ServerException.class,
              e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.type()).isEmpty();
              })
          .hasMessageContaining("HTTP 404 (text/html)")
          .hasMessageContaining("is the URL a deltasync server's");
    }
  }

  @Test
  void aSuccessThatIsNotJsonSaysSo() throws IOException {
    try (FakeServer server =
            new FakeServer(exchange -> FakeServer.send(exchange, 200, "text/html", "<html>"));
        Transport transport = transport(server)) {
      assertThatThrownBy(() -> head(transport, Call.get(uri(server, "/v1/x"), "read x")))
          .hasMessageContaining("not the JSON object the protocol defines");
      assertThat(server.requests).hasSize(1);
    }
  }

  @Test
  void renewableCredentialsAreRenewedOnceAfterA401() throws IOException {
    AtomicInteger renewals = new AtomicInteger();
    Credentials renewable =
        new Credentials() {
          @Override
          public String authorization() {
            return "Bearer dst_token-" + renewals.get();
          }

          @Override
          public boolean renewAfterRejection() {
            renewals.incrementAndGet();
            return true;
          }
        };
    try (FakeServer server =
            new FakeServer(
                problem(401, "unauthorized", "the access token has expired"),
                json(200, "{\"head\":7}"));
        Transport transport = transport(server)) {
      Call call = Call.get(uri(server, "/v1/x"), "read x").auth(renewable);
      assertThat(head(transport, call)).isEqualTo(7);
      assertThat(server.requests)
          .containsExactly("GET /v1/x Bearer dst_token-0", "GET /v1/x Bearer dst_token-1");
    }
    try (FakeServer server = new FakeServer(problem(401, "unauthorized", "revoked"));
        Transport transport = transport(server)) {
      Call call = Call.get(uri(server, "/v1/x"), "read x").auth(renewable);
      assertThatThrownBy(() -> head(transport, call))
          .isInstanceOf(AuthenticationException.class)
          .hasMessage("cannot read x: revoked (HTTP 401)");
      assertThat(server.requests).hasSize(2);
    }
  }

  @Test
  void backoffGrowsExponentiallyWithJitterUpToTheMaximum() {
    Backoff backoff =
        new Backoff(new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000)));
    for (int i = 0; i < 100; i++) {
      assertThat(backoff.delay(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(backoff.delay(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(backoff.delay(9)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }
  }

  @Test
  void retryAfterIsReadAsSecondsOrADate() {
    assertThat(Backoff.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Backoff.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
    assertThat(Backoff.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(Backoff.retryAfter("soon")).isNull();
    assertThat(Backoff.retryAfter(null)).isNull();
  }

  @Test
  void namesArePercentEncodedAsOnePathSegment() {
    assertThat(Urls.segment("docs")).isEqualTo("docs");
    assertThat(Urls.segment("a/b c")).isEqualTo("a%2Fb%20c");
    assertThat(Urls.segment("ü日")).isEqualTo("%C3%BC%E6%97%A5");
    assertThat(Urls.segment("100%?#&+")).isEqualTo("100%25%3F%23%26%2B");
    assertThat(Urls.segment("notes.txt")).isEqualTo("notes.txt");
    assertThat(Urls.segment("..")).isEqualTo("%2E%2E");
    assertThat(Urls.segment(".")).isEqualTo("%2E");
  }
}
