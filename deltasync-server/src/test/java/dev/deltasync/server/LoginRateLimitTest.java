package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing is slow: password attempts are limited per user name (10 at once, then one every 6 s)
 * and failed logins of any kind per client address (20 at once, then one every 3 s), on a fake
 * clock. A refusal says when to try again and never tells whether the password was right.
 */
class LoginRateLimitTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path data;
  private final FakeClock clock = new FakeClock();
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(TestServer.options(data).withClock(clock));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Http.Reply register(String user, String password) {
    return server
        .http
        .post("/v1/devices")
        .basic(user, password)
        .json("{\"name\":\"laptop\"}")
        .send();
  }

  @Test
  void passwordGuessesForOneUserAreLimited() {
    server.createUser("alice", PASSWORD);
    for (int i = 0; i < 10; i++) {
      assertThat(register("alice", "guess " + i).status()).isEqualTo(401);
    }

    Http.Reply limited = register("alice", PASSWORD);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.problem()).isEqualTo("too-many-requests");
    assertThat(limited.json().get("retryAfterSeconds").asLong()).isEqualTo(6);
    assertThat(limited.header("Retry-After")).contains("6");
    assertThat(limited.text()).doesNotContain(PASSWORD);

    clock.advance(Duration.ofSeconds(6));
    assertThat(register("alice", PASSWORD).status()).isEqualTo(201);
    // A correct password takes no attempt: the one refilled is left for one more guess.
    assertThat(register("alice", "guess again").status()).isEqualTo(401);
    assertThat(register("alice", "and again").status()).isEqualTo(429);
  }

  @Test
  void failedLoginsFromOneAddressAreLimitedWhateverTheyTry() {
    String unknown = "dsd_" + "A".repeat(43);
    for (int i = 0; i < 20; i++) {
      assertThat(server.http.get("/v1/location").bearer(unknown).send().status()).isEqualTo(401);
    }

    Http.Reply limited = server.http.get("/v1/location").bearer(unknown).send();
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).contains("3");
    // The address's budget is shared: a password attempt for any user waits as well.
    assertThat(register("nobody", PASSWORD).status()).isEqualTo(429);
    assertThat(server.http.post("/v1/users").bearer("dsa_wrong").json("{}").send().status())
        .isEqualTo(429);

    clock.advance(Duration.ofSeconds(3));
    assertThat(server.http.get("/v1/location").bearer(unknown).send().status()).isEqualTo(401);
  }

  @Test
  void aValidDeviceTokenIsNotHeldUpByOthersFailures() {
    server.createUser("alice", PASSWORD);
    TestServer.Device laptop = server.device("alice", PASSWORD, "laptop-1");
    for (int i = 0; i < 25; i++) {
      server.http.get("/v1/location").bearer("dsd_unknown" + i).send();
    }

    assertThat(server.http.get("/v1/location").bearer(laptop.token()).send().status())
        .isEqualTo(200);
  }
}
