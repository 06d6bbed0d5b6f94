package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on a collection and the fencing of appends, on a fake clock: while a lease is valid only
 * its holder appends; a holder that was paused past its lease's end cannot append any more, even
 * though it still believes it holds the lease.
 */
class LeaseFencingTest {
  private static final String PASSWORD = "correct horse battery";
  private static final FakeClock clock = new FakeClock();

  @TempDir static Path data;
  private static TestServer server;
  private static TestServer.Device laptop;
  private static TestServer.Device phone;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.options(data).withClock(clock));
    server.createUser("alice", PASSWORD);
    laptop = server.device("alice", PASSWORD, "laptop");
    phone = server.device("alice", PASSWORD, "phone");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonNode acquire(TestServer.Device device, String collection, int ttlSeconds) {
    Http.Reply reply = acquireReply(device, collection, ttlSeconds);
    assertThat(reply.status()).as("lease: %s", reply).isEqualTo(201);
    return reply.json();
  }

  private static Http.Reply acquireReply(
      TestServer.Device device, String collection, int ttlSeconds) {
    return server
        .http
        .post("/v1/collections/" + collection + "/lease")
        .bearer(device.token())
        .json("{\"ttlSeconds\":" + ttlSeconds + "}")
        .send();
  }

  private static byte[] log(String collection, int n) {
    return TestLogs.log("alice", collection, TestLogs.logId(collection.hashCode(), n));
  }

  @Test
  void aLeaseIsGrantedRenewedAndReleased() {
    JsonNode lease = acquire(laptop, "basic", 30);
    assertThat(lease.get("collection").asText()).isEqualTo("basic");
    assertThat(lease.get("lease").asText()).matches("[0-9a-f]{32}");
    assertThat(lease.get("fencing").asLong()).isEqualTo(1);
    assertThat(lease.get("expiresMillis").asLong()).isEqualTo(clock.getAsLong() + 30_000);
    String path = "/v1/collections/basic/lease/" + lease.get("lease").asText();

    clock.advance(Duration.ofSeconds(20));
    Http.Reply renewed =
        server.http.put(path).bearer(laptop.token()).json("{\"ttlSeconds\":30}").send();
    assertThat(renewed.status()).isEqualTo(200);
    assertThat(renewed.json().get("expiresMillis").asLong()).isEqualTo(clock.getAsLong() + 30_000);
    assertThat(renewed.json().get("fencing").asLong()).isEqualTo(1);

    assertThat(server.http.delete(path).bearer(laptop.token()).send().status()).isEqualTo(204);
    Http.Reply again = server.http.delete(path).bearer(laptop.token()).send();
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.problem()).isEqualTo("not-found");
    // Released: another device takes it at once, with a higher fencing number.
    assertThat(acquire(phone, "basic", 30).get("fencing").asLong()).isEqualTo(2);
  }

  @Test
  void anotherDeviceCannotUseRenewOrReleaseTheHoldersLease() {
    String phoneAccess = server.access(phone);
    JsonNode lease = acquire(laptop, "not-yours", 30);
    long fencing = lease.get("fencing").asLong();
    String path = "/v1/collections/not-yours/lease/" + lease.get("lease").asText();

    Http.Reply append = server.append(phoneAccess, "not-yours", 0, fencing, log("not-yours", 1));
    assertThat(append.status()).isEqualTo(409);
    assertThat(append.problem()).isEqualTo("lease-fenced");
    assertThat(append.detail()).contains("another device holds");

    Http.Reply renew =
        server.http.put(path).bearer(phone.token()).json("{\"ttlSeconds\":3600}").send();
    assertThat(renew.status()).isEqualTo(409);
    assertThat(renew.problem()).isEqualTo("lease-lost");
    assertThat(server.http.delete(path).bearer(phone.token()).send().status()).isEqualTo(404);

    // The laptop's lease is untouched: it still ends after 30 s, not 3600.
    clock.advance(Duration.ofSeconds(31));
    assertThat(acquire(phone, "not-yours", 30).get("fencing").asLong()).isEqualTo(fencing + 1);
  }

  @Test
  void aHeldLeaseIsRefusedToOtherDevicesWithWhenToRetry() {
    acquire(laptop, "held", 60);
    clock.advance(Duration.ofSeconds(15));

    Http.Reply refused = acquireReply(phone, "held", 60);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.problem()).isEqualTo("lease-held");
    assertThat(refused.json().get("retryAfterSeconds").asLong()).isEqualTo(45);
    assertThat(refused.header("Retry-After")).contains("45");
  }

  @Test
  void whileALeaseIsValidOnlyItsHolderAppends() {
    String laptopAccess = server.access(laptop);
    String phoneAccess = server.access(phone);
    long fencing = acquire(laptop, "only-holder", 60).get("fencing").asLong();

    Http.Reply other = server.append(phoneAccess, "only-holder", 0, log("only-holder", 1));
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.problem()).isEqualTo("lease-fenced");
    assertThat(other.detail()).contains("another device holds the lease");

    Http.Reply wrongNumber =
        server.append(phoneAccess, "only-holder", 0, fencing + 1, log("only-holder", 1));
    assertThat(wrongNumber.status()).isEqualTo(409);
    assertThat(wrongNumber.problem()).isEqualTo("lease-fenced");

    assertThat(
            server.append(laptopAccess, "only-holder", 0, fencing, log("only-holder", 1)).status())
        .isEqualTo(201);
    // The holder may also append without giving its fencing number.
    assertThat(server.append(laptopAccess, "only-holder", 1, log("only-holder", 2)).status())
        .isEqualTo(201);
    assertThat(server.head(laptopAccess, "only-holder")).isEqualTo(2);
  }

  @Test
  void aPausedHolderWhoseLeaseExpiredCannotAppend() {
    String laptopAccess = server.access(laptop);
    String phoneAccess = server.access(phone);
    JsonNode laptopLease = acquire(laptop, "paused", 30);
    long laptopFencing = laptopLease.get("fencing").asLong();
    server.append(laptopAccess, "paused", 0, laptopFencing, log("paused", 1));

    // The laptop stops (a long GC pause, a suspended VM) past its lease's end.
    clock.advance(Duration.ofSeconds(31));
    Http.Reply expired = server.append(laptopAccess, "paused", 1, laptopFencing, log("paused", 2));
    assertThat(expired.status()).isEqualTo(409);
    assertThat(expired.problem()).isEqualTo("lease-fenced");
    assertThat(expired.detail()).contains("expired");

    // Meanwhile the phone takes the lease and appends.
    JsonNode phoneLease = acquire(phone, "paused", 30);
    long phoneFencing = phoneLease.get("fencing").asLong();
    assertThat(phoneFencing).isGreaterThan(laptopFencing);
    assertThat(server.append(phoneAccess, "paused", 1, phoneFencing, log("paused", 3)).status())
        .isEqualTo(201);

    // The laptop wakes up and goes on as if it still held the lease: every way is refused.
    Http.Reply stale = server.append(laptopAccess, "paused", 2, laptopFencing, log("paused", 2));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.problem()).isEqualTo("lease-fenced");
    assertThat(stale.detail()).contains("fencing number " + laptopFencing + " is stale");
    Http.Reply unfenced = server.append(laptopAccess, "paused", 2, log("paused", 2));
    assertThat(unfenced.status()).isEqualTo(409);
    assertThat(unfenced.problem()).isEqualTo("lease-fenced");
    Http.Reply renew =
        server
            .http
            .put("/v1/collections/paused/lease/" + laptopLease.get("lease").asText())
            .bearer(laptop.token())
            .json("{}")
            .send();
    assertThat(renew.status()).isEqualTo(409);
    assertThat(renew.problem()).isEqualTo("lease-lost");

    assertThat(server.head(phoneAccess, "paused")).isEqualTo(2);
    JsonNode logs =
        server.http.get("/v1/collections/paused/logs").bearer(phoneAccess).send().json();
    assertThat(logs.get("logs").findValuesAsText("logId"))
        .containsExactly(
            TestLogs.hex(TestLogs.logId("paused".hashCode(), 1)),
            TestLogs.hex(TestLogs.logId("paused".hashCode(), 3)));
  }

  @Test
  void anExpiredLeaseCannotBeRenewedAndANewOneHasAHigherFencingNumber() {
    JsonNode first = acquire(laptop, "renewal", 10);
    clock.advance(Duration.ofSeconds(10));

    Http.Reply renew =
        server
            .http
            .put("/v1/collections/renewal/lease/" + first.get("lease").asText())
            .bearer(laptop.token())
            .json("{}")
            .send();
    assertThat(renew.status()).isEqualTo(409);
    assertThat(renew.problem()).isEqualTo("lease-lost");

    JsonNode second = acquire(laptop, "renewal", 10);
    assertThat(second.get("fencing").asLong()).isGreaterThan(first.get("fencing").asLong());
    assertThat(second.get("lease").asText()).isNotEqualTo(first.get("lease").asText());
  }

  @Test
  void aRetryOfALogThatLandedSucceedsEvenAfterTheLeaseMovedOn() {
    String laptopAccess = server.access(laptop);
    long fencing = acquire(laptop, "retry-fenced", 30).get("fencing").asLong();
    byte[] log = log("retry-fenced", 1);
    assertThat(server.append(laptopAccess, "retry-fenced", 0, fencing, log).status())
        .isEqualTo(201);
    clock.advance(Duration.ofSeconds(31));
    acquire(phone, "retry-fenced", 30);

    // The laptop never saw the answer and retries: the log is there, nothing is written twice.
    Http.Reply retry = server.append(laptopAccess, "retry-fenced", 0, fencing, log);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
    assertThat(retry.json().get("sequence").asLong()).isEqualTo(1);
  }

  @Test
  void leaseLengthsAreBounded() {
    for (String ttl : new String[] {"0", "3601", "-5", "\"ten\"", "1.5"}) {
      Http.Reply reply =
          server
              .http
              .post("/v1/collections/bounded/lease")
              .bearer(laptop.token())
              .json("{\"ttlSeconds\":" + ttl + "}")
              .send();
      assertThat(reply.status()).as("ttlSeconds %s: %s", ttl, reply).isEqualTo(400);
      assertThat(reply.detail()).contains("ttlSeconds");
    }
    JsonNode defaulted =
        server.http.post("/v1/collections/bounded/lease").bearer(laptop.token()).send().json();
    assertThat(defaulted.get("expiresMillis").asLong()).isEqualTo(clock.getAsLong() + 60_000);
  }
}
