package dev.deltasync.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.deltasync.format.FormatInfo;
import dev.deltasync.format.PackLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage role over HTTP: logs, chunks, packs (whole, resumable, ranged) and snapshots. */
class StorageApiTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String PACK_TYPE = "application/vnd.deltasync.pack";

  @TempDir static Path data;
  private static TestServer server;
  private static TestServer.Device laptop;
  private final Random random = new Random(42);
  private String access;

  @BeforeAll
  static void start() {
    server = TestServer.start(data);
    server.createUser("alice", PASSWORD);
    laptop = server.device("alice", PASSWORD, "laptop");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void token() {
    access = server.access(laptop);
  }

  // ---- logs ----

  @Test
  void appendedLogsAreListedAndReadBackByteForByte() {
    byte[] first = TestLogs.log("alice", "docs", TestLogs.logId(1, 1));
    byte[] second = TestLogs.log("alice", "docs", TestLogs.logId(1, 2));

    Http.Reply appended = server.append(access, "docs", 0, first);
    assertThat(appended.status()).isEqualTo(201);
    assertThat(appended.json().get("sequence").asLong()).isEqualTo(1);
    assertThat(appended.json().get("duplicate").asBoolean()).isFalse();
    assertThat(appended.header("Location")).contains("/v1/collections/docs/logs/1");
    assertThat(server.appended(access, "docs", 1, second)).isEqualTo(2);
    assertThat(server.head(access, "docs")).isEqualTo(2);

    Http.Reply list = server.http.get("/v1/collections/docs/logs").bearer(access).send();
    assertThat(list.status()).isEqualTo(200);
    JsonNode logs = list.json().get("logs");
    assertThat(logs).hasSize(2);
    assertThat(logs.get(0).get("sequence").asLong()).isEqualTo(1);
    assertThat(logs.get(0).get("logId").asText()).isEqualTo(TestLogs.hex(TestLogs.logId(1, 1)));
    assertThat(logs.get(0).get("device").asText()).isEqualTo("test-device");
    assertThat(logs.get(0).get("size").asLong()).isEqualTo(first.length);
    assertThat(logs.get(1).get("logId").asText()).isEqualTo(TestLogs.hex(TestLogs.logId(1, 2)));
    assertThat(list.json().get("head").asLong()).isEqualTo(2);

    Http.Reply read = server.http.get("/v1/collections/docs/logs/1").bearer(access).send();
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.contentType()).isEqualTo(FormatInfo.MEDIA_TYPE);
    assertThat(read.header("Deltasync-Sequence")).contains("1");
    assertThat(read.body()).isEqualTo(first);
    assertThat(server.http.get("/v1/collections/docs/logs/2").bearer(access).send().body())
        .isEqualTo(second);
  }

  @Test
  void listingPagesWithAfterAndMax() {
    for (int i = 1; i <= 5; i++) {
      server.appended(access, "paged", i - 1, TestLogs.log("alice", "paged", TestLogs.logId(2, i)));
    }

    JsonNode page =
        server.http.get("/v1/collections/paged/logs?after=2&max=2").bearer(access).send().json();

    assertThat(page.get("logs").findValuesAsText("sequence")).containsExactly("3", "4");
    assertThat(page.get("head").asLong()).isEqualTo(5);
    JsonNode rest =
        server.http.get("/v1/collections/paged/logs?after=4").bearer(access).send().json();
    assertThat(rest.get("logs").findValuesAsText("sequence")).containsExactly("5");
  }

  @Test
  void anAppendAtAStaleHeadIsRefusedWithTheActualHead() {
    server.appended(access, "cas", 0, TestLogs.log("alice", "cas", TestLogs.logId(3, 1)));

    Http.Reply stale =
        server.append(access, "cas", 0, TestLogs.log("alice", "cas", TestLogs.logId(3, 2)));

    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.problem()).isEqualTo("head-moved");
    assertThat(stale.json().get("head").asLong()).isEqualTo(1);
    assertThat(server.head(access, "cas")).isEqualTo(1);
    Http.Reply ahead =
        server.append(access, "cas", 7, TestLogs.log("alice", "cas", TestLogs.logId(3, 2)));
    assertThat(ahead.status()).isEqualTo(409);
    assertThat(ahead.json().get("head").asLong()).isEqualTo(1);
  }

  @Test
  void aRetriedAppendIsAnsweredWithTheFirstSequenceAndWritesNothing() {
    byte[] log = TestLogs.log("alice", "retry", TestLogs.logId(4, 1));
    assertThat(server.appended(access, "retry", 0, log)).isEqualTo(1);
    server.appended(access, "retry", 1, TestLogs.log("alice", "retry", TestLogs.logId(4, 2)));

    // The answer to the first append was lost; the client sends the same log at its old head.
    Http.Reply retry = server.append(access, "retry", 0, log);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().get("sequence").asLong()).isEqualTo(1);
    assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
    assertThat(server.head(access, "retry")).isEqualTo(2);
    assertThat(
            server.http.get("/v1/collections/retry/logs").bearer(access).send().json().get("logs"))
        .hasSize(2);
  }

  @Test
  void aLogAboveTheInlineSizeIsStoredAsABlobAndReadBackWhole() {
    byte[] log =
        TestLogs.log(
            "alice",
            "big",
            TestLogs.logId(5, 1),
            List.of(TestLogs.random(random, 200_000), TestLogs.random(random, 200_000)));
    assertThat(log.length).isGreaterThan(256 * 1024);

    assertThat(server.appended(access, "big", 0, log)).isEqualTo(1);
    Http.Reply retry = server.append(access, "big", 0, log);
    assertThat(retry.status()).isEqualTo(200);

    Http.Reply read = server.http.get("/v1/collections/big/logs/1").bearer(access).send();
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("Content-Length")).contains(String.valueOf(log.length));
    assertThat(Arrays.equals(read.body(), log)).isTrue();
  }

  @Test
  void collectionNamesMayHoldSlashesSpacesAndAnyUnicode() {
    String name = "photos/2024 Ürlaub ☀";
    server.appended(access, name, 0, TestLogs.log("alice", name, TestLogs.logId(6, 1)));

    assertThat(server.head(access, name)).isEqualTo(1);
    assertThat(server.head(access, "photos")).isZero();
    JsonNode heads = server.http.get("/v1/heads").bearer(laptop.token()).send().json();
    assertThat(heads.get("heads").get(name).asLong()).isEqualTo(1);
    Http.Reply read = server.http.get(TestServer.logs(name) + "/1").bearer(access).send();
    assertThat(read.status()).isEqualTo(200);
  }

  @Test
  void aLogThatDoesNotExistIsNotFound() {
    assertThat(server.http.get("/v1/collections/empty/logs/1").bearer(access).send().status())
        .isEqualTo(404);
    Http.Reply word = server.http.get("/v1/collections/empty/logs/first").bearer(access).send();
    assertThat(word.status()).isEqualTo(404);
    assertThat(word.problem()).isEqualTo("not-found");
    JsonNode empty = server.http.get("/v1/collections/empty/logs").bearer(access).send().json();
    assertThat(empty.get("logs")).isEmpty();
    assertThat(empty.get("head").asLong()).isZero();
  }

  // ---- chunks and packs ----

  @Test
  void anUploadedPackIsServedWholeAndByRangeAndItsChunksAreLocated() throws Exception {
    List<byte[]> chunks =
        List.of(
            TestLogs.random(random, 5000),
            new byte[20_000], // compresses: stored with zstd
            TestLogs.random(random, 3000));
    byte[] pack = TestLogs.pack(chunks);

    JsonNode uploaded = server.uploadPack(access, pack);
    String packId = uploaded.get("pack").asText();
    assertThat(packId).matches("[0-9a-f]{32}");
    assertThat(uploaded.get("size").asLong()).isEqualTo(pack.length);
    assertThat(uploaded.get("chunks").asInt()).isEqualTo(3);
    assertThat(uploaded.get("newChunks").asInt()).isEqualTo(3);

    Http.Reply whole = server.http.get("/v1/packs/" + packId).bearer(access).send();
    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.contentType()).isEqualTo(PACK_TYPE);
    assertThat(whole.header("Accept-Ranges")).contains("bytes");
    assertThat(whole.body()).isEqualTo(pack);

    Http.Reply head = server.http.call("HEAD", "/v1/packs/" + packId).bearer(access).send();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).contains(String.valueOf(pack.length));

    byte[] unknown = TestLogs.random(random, 100);
    Http.Reply missing =
        server
            .http
            .post("/v1/chunks/missing")
            .bearer(access)
            .json(idsJson(chunks.get(0), chunks.get(1), chunks.get(2), unknown))
            .send();
    assertThat(missing.status()).isEqualTo(200);
    assertThat(missing.json().get("missing").toString())
        .isEqualTo("[\"" + TestLogs.chunkId(unknown) + "\"]");

    Http.Reply located =
        server
            .http
            .post("/v1/chunks/locate")
            .bearer(access)
            .json(idsJson(chunks.get(1), unknown))
            .send();
    assertThat(located.status()).isEqualTo(200);
    JsonNode entries = located.json().get("chunks");
    assertThat(entries).hasSize(1);
    JsonNode entry = entries.get(0);
    assertThat(entry.get("id").asText()).isEqualTo(TestLogs.chunkId(chunks.get(1)));
    assertThat(entry.get("pack").asText()).isEqualTo(packId);
    assertThat(entry.get("codec").asInt()).isEqualTo(PackLayout.CODEC_ZSTD);
    assertThat(entry.get("rawLength").asInt()).isEqualTo(20_000);

    // What a client does with a location: read the chunk's bytes by range and decode them.
    long offset = entry.get("offset").asLong();
    int stored = entry.get("storedLength").asInt();
    Http.Reply range =
        server
            .http
            .get("/v1/packs/" + packId)
            .bearer(access)
            .header("Range", "bytes=" + offset + "-" + (offset + stored - 1))
            .send();
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.header("Content-Range"))
        .contains("bytes " + offset + "-" + (offset + stored - 1) + "/" + pack.length);
    byte[] raw =
        PackLayout.decodeChunk(
            new PackLayout.Entry(
                ByteString.copyFrom(TestLogs.sha256(chunks.get(1))),
                PackLayout.CODEC_ZSTD,
                20_000,
                stored,
                offset),
            range.body());
    assertThat(raw).isEqualTo(chunks.get(1));
  }

  @Test
  void packRangesFollowHttpRules() {
    byte[] pack = TestLogs.pack(List.of(TestLogs.random(random, 1000)));
    String packId = server.uploadPack(access, pack).get("pack").asText();
    String path = "/v1/packs/" + packId;

    Http.Reply first = server.http.get(path).bearer(access).header("Range", "bytes=0-15").send();
    assertThat(first.status()).isEqualTo(206);
    assertThat(first.body()).isEqualTo(Arrays.copyOf(pack, 16));

    Http.Reply suffix = server.http.get(path).bearer(access).header("Range", "bytes=-24").send();
    assertThat(suffix.status()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(pack, pack.length - 24, pack.length));

    Http.Reply open = server.http.get(path).bearer(access).header("Range", "bytes=100-").send();
    assertThat(open.status()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(pack, 100, pack.length));

    Http.Reply beyondEnd =
        server.http.get(path).bearer(access).header("Range", "bytes=100-999999").send();
    assertThat(beyondEnd.status()).isEqualTo(206);
    assertThat(beyondEnd.body()).isEqualTo(Arrays.copyOfRange(pack, 100, pack.length));

    Http.Reply past =
        server.http.get(path).bearer(access).header("Range", "bytes=" + pack.length + "-").send();
    assertThat(past.status()).isEqualTo(416);
    assertThat(past.problem()).isEqualTo("range-not-satisfiable");
    assertThat(past.header("Content-Range")).contains("bytes */" + pack.length);

    // Several ranges, or a header that is not one bytes range: ignored, the whole pack is sent.
    for (String ignored : List.of("bytes=0-1,5-6", "lines=1-2", "bytes=x-y")) {
      Http.Reply whole = server.http.get(path).bearer(access).header("Range", ignored).send();
      assertThat(whole.status()).as(ignored).isEqualTo(200);
      assertThat(whole.body()).as(ignored).isEqualTo(pack);
    }
  }

  @Test
  void aPackUploadedTwiceAddsNoNewChunks() {
    byte[] pack =
        TestLogs.pack(List.of(TestLogs.random(random, 700), TestLogs.random(random, 800)));

    JsonNode first = server.uploadPack(access, pack);
    JsonNode second = server.uploadPack(access, pack);

    assertThat(first.get("newChunks").asInt()).isEqualTo(2);
    assertThat(second.get("newChunks").asInt()).isZero();
    assertThat(second.get("pack").asText()).isNotEqualTo(first.get("pack").asText());
  }

  @Test
  void aResumableUploadContinuesAtItsOffsetAndBecomesAPack() {
    List<byte[]> chunks = List.of(TestLogs.random(random, 40_000), TestLogs.random(random, 30_000));
    byte[] pack = TestLogs.pack(chunks);
    int half = pack.length / 2;

    Http.Reply started = server.http.post("/v1/uploads").bearer(access).send();
    assertThat(started.status()).isEqualTo(201);
    String upload = started.json().get("upload").asText();
    assertThat(started.json().get("offset").asLong()).isZero();
    assertThat(started.header("Location")).contains("/v1/uploads/" + upload);
    String path = "/v1/uploads/" + upload;

    Http.Reply part1 =
        server
            .http
            .call("PATCH", path)
            .bearer(access)
            .header("Upload-Offset", "0")
            .body(Arrays.copyOf(pack, half), "application/offset+octet-stream")
            .send();
    assertThat(part1.status()).isEqualTo(204);
    assertThat(part1.header("Upload-Offset")).contains(String.valueOf(half));

    // The client lost the answer and asks where to continue.
    Http.Reply offset = server.http.call("HEAD", path).bearer(access).send();
    assertThat(offset.status()).isEqualTo(200);
    assertThat(offset.header("Upload-Offset")).contains(String.valueOf(half));

    Http.Reply wrong =
        server
            .http
            .call("PATCH", path)
            .bearer(access)
            .header("Upload-Offset", "0")
            .body(Arrays.copyOf(pack, half), "application/offset+octet-stream")
            .send();
    assertThat(wrong.status()).isEqualTo(409);
    assertThat(wrong.problem()).isEqualTo("upload-offset");
    assertThat(wrong.json().get("offset").asLong()).isEqualTo(half);

    Http.Reply part2 =
        server
            .http
            .call("PATCH", path)
            .bearer(access)
            .header("Upload-Offset", String.valueOf(half))
            .body(Arrays.copyOfRange(pack, half, pack.length), "application/offset+octet-stream")
            .send();
    assertThat(part2.status()).isEqualTo(204);
    assertThat(part2.header("Upload-Offset")).contains(String.valueOf(pack.length));

    Http.Reply finished = server.http.post(path + "/finish").bearer(access).send();
    assertThat(finished.status()).isEqualTo(201);
    String packId = finished.json().get("pack").asText();
    assertThat(finished.json().get("chunks").asInt()).isEqualTo(2);
    assertThat(server.http.get("/v1/packs/" + packId).bearer(access).send().body()).isEqualTo(pack);
    assertThat(server.http.call("HEAD", path).bearer(access).send().status()).isEqualTo(404);
    assertThat(
            server
                .http
                .post("/v1/chunks/missing")
                .bearer(access)
                .json(idsJson(chunks.get(0), chunks.get(1)))
                .send()
                .json()
                .get("missing"))
        .isEmpty();
  }

  @Test
  void twoWritesAtTheSameOffsetOfAnUploadDoNotBothLand() throws Exception {
    String upload =
        server.http.post("/v1/uploads").bearer(access).send().json().get("upload").asText();
    String path = "/v1/uploads/" + upload;
    // Two different packs of one length (random bytes do not compress).
    byte[] part = TestLogs.pack(List.of(TestLogs.random(random, 200_000)));
    byte[] other = TestLogs.pack(List.of(TestLogs.random(random, 200_000)));
    assertThat(other).hasSameSizeAs(part);

    // Two clients (say, a retry while the first attempt still runs) send at offset 0 at once:
    // both requests are inside the server before either has sent a byte of its body.
    try (RawHttp one = new RawHttp(server.url());
        RawHttp two = new RawHttp(server.url())) {
      for (RawHttp client : List.of(one, two)) {
        client.head(
            "PATCH " + path + " HTTP/1.1",
            "Authorization: Bearer " + access,
            "Content-Type: application/offset+octet-stream",
            "Upload-Offset: 0",
            "Content-Length: " + part.length);
      }
      Thread.sleep(300);
      one.sendUnlessClosed(Arrays.copyOf(part, part.length / 2));
      two.sendUnlessClosed(Arrays.copyOf(other, other.length / 2));
      Thread.sleep(300);
      one.sendUnlessClosed(Arrays.copyOfRange(part, part.length / 2, part.length));
      two.sendUnlessClosed(Arrays.copyOfRange(other, other.length / 2, other.length));
      assertThat(List.of(one.read().status(), two.read().status()))
          .containsExactlyInAnyOrder(204, 409);
    }
    Http.Reply offset = server.http.call("HEAD", path).bearer(access).send();
    assertThat(offset.header("Upload-Offset")).contains(String.valueOf(part.length));
    // The upload holds one of the two packs whole, not a mix of both.
    Http.Reply finished = server.http.post(path + "/finish").bearer(access).send();
    assertThat(finished.status()).as("%s", finished).isEqualTo(201);
    byte[] stored =
        server
            .http
            .get("/v1/packs/" + finished.json().get("pack").asText())
            .bearer(access)
            .send()
            .body();
    assertThat(stored).isIn(part, other);
  }

  @Test
  void anotherLogWithAUsedLogIdIsRefused() {
    byte[] first = TestLogs.log("alice", "reused", TestLogs.logId(5, 1));
    assertThat(server.appended(access, "reused", 0, first)).isEqualTo(1);
    byte[] other =
        TestLogs.log(
            "alice", "reused", TestLogs.logId(5, 1), List.of("other content".getBytes(UTF_8)));

    Http.Reply reply = server.append(access, "reused", 1, other);

    assertThat(reply.status()).isEqualTo(409);
    assertThat(reply.problem()).isEqualTo("log-id-reused");
    assertThat(reply.json().get("sequence").asLong()).isEqualTo(1);
    assertThat(server.head(access, "reused")).isEqualTo(1);
  }

  @Test
  void finishingAnEmptyUploadIsRefusedAsAnInvalidPack() {
    String upload =
        server.http.post("/v1/uploads").bearer(access).send().json().get("upload").asText();

    Http.Reply reply = server.http.post("/v1/uploads/" + upload + "/finish").bearer(access).send();

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.problem()).isEqualTo("invalid-pack");
  }

  @Test
  void aCancelledUploadIsGone() {
    String upload =
        server.http.post("/v1/uploads").bearer(access).send().json().get("upload").asText();
    String path = "/v1/uploads/" + upload;
    server
        .http
        .call("PATCH", path)
        .bearer(access)
        .header("Upload-Offset", "0")
        .body(new byte[100], "application/offset+octet-stream")
        .send();

    assertThat(server.http.delete(path).bearer(access).send().status()).isEqualTo(204);

    assertThat(server.http.call("HEAD", path).bearer(access).send().status()).isEqualTo(404);
    assertThat(server.http.post(path + "/finish").bearer(access).send().status()).isEqualTo(404);
    assertThat(server.http.delete(path).bearer(access).send().status()).isEqualTo(404);
  }

  @Test
  void anUnknownPackIsNotFound() {
    String unknown = HexFormat.of().formatHex(new byte[16]);
    assertThat(server.http.get("/v1/packs/" + unknown).bearer(access).send().status())
        .isEqualTo(404);
    assertThat(server.http.get("/v1/packs/not-an-id").bearer(access).send().status())
        .isEqualTo(404);
  }

  // ---- snapshots ----

  @Test
  void theLatestSnapshotIsTheOneWithTheHighestSequence() {
    for (int i = 1; i <= 3; i++) {
      server.appended(access, "snaps", i - 1, TestLogs.log("alice", "snaps", TestLogs.logId(7, i)));
    }
    String path = "/v1/collections/snaps/snapshots/";
    assertThat(server.http.get(path + "latest").bearer(access).send().status()).isEqualTo(404);

    byte[] atTwo = TestLogs.random(random, 3000);
    byte[] atThree = TestLogs.random(random, 300_000);
    Http.Reply put =
        server.http.put(path + "3").bearer(access).body(atThree, "application/octet-stream").send();
    assertThat(put.status()).isEqualTo(201);
    assertThat(put.json().get("sequence").asLong()).isEqualTo(3);
    assertThat(put.json().get("size").asLong()).isEqualTo(atThree.length);
    assertThat(
            server
                .http
                .put(path + "2")
                .bearer(access)
                .body(atTwo, "application/octet-stream")
                .send()
                .status())
        .isEqualTo(201);

    Http.Reply latest = server.http.get(path + "latest").bearer(access).send();
    assertThat(latest.status()).isEqualTo(200);
    assertThat(latest.header("Deltasync-Sequence")).contains("3");
    assertThat(latest.body()).isEqualTo(atThree);
  }

  @Test
  void aSnapshotCoversALogTheCollectionHas() {
    server.appended(
        access, "snap-range", 0, TestLogs.log("alice", "snap-range", TestLogs.logId(8, 1)));
    String path = "/v1/collections/snap-range/snapshots/";

    for (String sequence : List.of("0", "2", "-1", "x")) {
      Http.Reply reply =
          server
              .http
              .put(path + sequence)
              .bearer(access)
              .body(new byte[10], "application/octet-stream")
              .send();
      assertThat(reply.status()).as("snapshot at %s: %s", sequence, reply).isEqualTo(400);
    }
  }

  private static String idsJson(byte[]... chunks) {
    List<String> ids = new ArrayList<>();
    for (byte[] chunk : chunks) {
      ids.add(TestLogs.chunkId(chunk));
    }
    return TestServer.json(Map.of("ids", ids));
  }
}
