package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.PackWriter;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deltasync server} as a real process, killed with SIGKILL while clients append change logs
 * (small ones kept in the database, large ones as files) and upload packs. After each restart on
 * the same data directory, every acknowledged log is there, byte for byte, at the sequence it was
 * acknowledged with; the sequence has no gaps; every visible log is complete; every acknowledged
 * pack is listed and downloadable. Seeded; the seed is printed on failure.
 */
class ServerCrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUNDS = 3;
  private static final int WRITERS = 6;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  record Acked(long sequence, byte[] log) {}

  @Test
  void acknowledgedLogsAndPacksSurviveKillNine(@TempDir Path temp) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path data = temp.resolve("data");
    Map<String, Acked> acked = new ConcurrentHashMap<>(); // log id hex -> ack
    Map<String, Long> packs = new ConcurrentHashMap<>(); // pack id -> size
    String device = "";
    try {
      for (int round = 0; round < ROUNDS; round++) {
        ServerProcess server = ServerProcess.start(data);
        try {
          if (device.isEmpty()) {
            device = setUp(server.url, data);
          }
          String access = accessToken(server.url, device);
          verify(server.url, access, acked, packs);
          AtomicBoolean stop = new AtomicBoolean();
          List<Thread> writers = new ArrayList<>();
          for (int w = 0; w < WRITERS; w++) {
            long writerSeed = random.nextLong();
            String url = server.url;
            writers.add(
                Thread.ofPlatform()
                    .start(() -> write(url, access, new Random(writerSeed), stop, acked, packs)));
          }
          Thread.sleep(400 + random.nextInt(1200));
          server.kill();
          stop.set(true);
          for (Thread writer : writers) {
            writer.join(30_000);
          }
        } finally {
          server.kill();
        }
      }
      ServerProcess server = ServerProcess.start(data);
      try {
        verify(server.url, accessToken(server.url, device), acked, packs);
      } finally {
        server.kill();
      }
      assertThat(acked).as("seed %d: some appends were acknowledged", seed).isNotEmpty();
      System.out.printf(
          "ServerCrashIT seed %d: %d rounds of kill -9, %d acknowledged logs, %d packs%n",
          seed, ROUNDS, acked.size(), packs.size());
    } catch (AssertionError | Exception e) {
      throw new AssertionError("ServerCrashIT failed with seed " + seed + ": " + e.getMessage(), e);
    }
  }

  /** Appends logs and uploads packs until the server dies or {@code stop} is set. */
  private void write(
      String url,
      String access,
      Random random,
      AtomicBoolean stop,
      Map<String, Acked> acked,
      Map<String, Long> packs) {
    try {
      long head = head(url, access);
      while (!stop.get()) {
        if (random.nextInt(5) == 0) {
          byte[] pack = pack(random);
          HttpResponse<String> response =
              http.send(
                  authorized(url + "/v1/packs", access)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(pack))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 201) {
            packs.put(JSON.readTree(response.body()).get("pack").asText(), (long) pack.length);
          }
          continue;
        }
        byte[] logId = new byte[16];
        random.nextBytes(logId);
        byte[] log = log(logId, random.nextInt(4) == 0 ? 300_000 + random.nextInt(300_000) : 0);
        while (!stop.get()) {
          HttpResponse<String> response =
              http.send(
                  authorized(url + "/v1/collections/docs/logs?expectedHead=" + head, access)
                      .header("Content-Type", "application/vnd.deltasync.changelog")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(log))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          JsonNode body = JSON.readTree(response.body());
          if (response.statusCode() == 201 || response.statusCode() == 200) {
            head = body.get("sequence").asLong();
            acked.put(HexFormat.of().formatHex(logId), new Acked(head, log));
            break;
          }
          assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
          head = body.get("head").asLong();
        }
      }
    } catch (IOException e) {
      // the server was killed: expected
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void verify(String url, String access, Map<String, Acked> acked, Map<String, Long> packs)
      throws Exception {
    long head = head(url, access);
    Map<Long, String> listed = new java.util.HashMap<>();
    long after = 0;
    while (after < head) {
      JsonNode page =
          JSON.readTree(get(url + "/v1/collections/docs/logs?after=" + after, access).body());
      for (JsonNode log : page.get("logs")) {
        long sequence = log.get("sequence").asLong();
        assertThat(sequence).as("no gap in the sequence").isEqualTo(after + 1);
        listed.put(sequence, log.get("logId").asText());
        after = sequence;
      }
    }
    assertThat(listed).hasSize((int) head);
    for (Map.Entry<String, Acked> entry : acked.entrySet()) {
      long sequence = entry.getValue().sequence();
      assertThat(listed.get(sequence))
          .as("acknowledged log at %d", sequence)
          .isEqualTo(entry.getKey());
      HttpResponse<byte[]> read =
          http.send(
              authorized(url + "/v1/collections/docs/logs/" + sequence, access).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo(entry.getValue().log());
    }
    for (long sequence = 1; sequence <= head; sequence++) { // every visible log is whole
      HttpResponse<byte[]> read =
          http.send(
              authorized(url + "/v1/collections/docs/logs/" + sequence, access).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(read.statusCode()).isEqualTo(200);
      ChangeLogReader.decode(read.body());
    }
    for (Map.Entry<String, Long> pack : packs.entrySet()) {
      HttpResponse<byte[]> read =
          http.send(
              authorized(url + "/v1/packs/" + pack.getKey(), access).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat((long) read.body().length).isEqualTo(pack.getValue());
    }
  }

  private static byte[] log(byte[] logId, int chunkBytes) throws IOException {
    LogHeader header =
        LogHeader.newBuilder()
            .setUser("alice")
            .setCollection("docs")
            .setOriginDevice("crash-test")
            .setLogId(ByteString.copyFrom(logId))
            .setCreatedMillis(System.currentTimeMillis())
            .setCompression(Compression.COMPRESSION_ZSTD)
            .setCompressionLevel(3)
            .build();
    List<Chunk> chunks = new ArrayList<>();
    if (chunkBytes > 0) {
      byte[] data = new byte[chunkBytes];
      new Random(ByteString.copyFrom(logId).hashCode()).nextBytes(data);
      chunks.add(Chunk.newBuilder().setId(sha256(data)).setData(ByteString.copyFrom(data)).build());
    }
    return ChangeLogWriter.encode(new ChangeLog(header, List.of(), chunks));
  }

  private static byte[] pack(Random random) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PackWriter writer = new PackWriter(out);
    for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
      byte[] data = new byte[16_384 + random.nextInt(65_536)];
      random.nextBytes(data);
      writer.add(sha256(data), data);
    }
    writer.finish();
    return out.toByteArray();
  }

  private static ByteString sha256(byte[] data) {
    try {
      return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- HTTP helpers ----

  private String setUp(String url, Path data) throws Exception {
    String admin = java.nio.file.Files.readString(data.resolve("admin-token")).strip();
    HttpResponse<String> user =
        http.send(
            authorized(url + "/v1/users", admin)
                .POST(ofJson("{\"name\":\"alice\",\"password\":\"crash test pw\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString("alice:crash test pw".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> device =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/devices"))
                .header("Authorization", "Basic " + basic)
                .POST(ofJson("{\"name\":\"crash-test\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(device.statusCode()).as(device.body()).isEqualTo(201);
    return JSON.readTree(device.body()).get("token").asText();
  }

  private String accessToken(String url, String device) throws Exception {
    HttpResponse<String> response =
        http.send(
            authorized(url + "/v1/access-tokens", device).POST(ofJson("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("token").asText();
  }

  private long head(String url, String access) throws IOException, InterruptedException {
    return JSON.readTree(get(url + "/v1/collections/docs/head", access).body())
        .get("head")
        .asLong();
  }

  private HttpResponse<String> get(String url, String token)
      throws IOException, InterruptedException {
    return http.send(authorized(url, token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder authorized(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
  }

  private static HttpRequest.BodyPublisher ofJson(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  /** {@code deltasync server} in a process of its own, on a free port. */
  static final class ServerProcess {
    final Process process;
    final String url;

    private ServerProcess(Process process, String url) {
      this.process = process;
      this.url = url;
    }

    static ServerProcess start(Path data) throws IOException {
      return start(data, 0);
    }

    /** On {@code port} (0: a free one), so that a restarted server keeps its devices' URL. */
    static ServerProcess start(Path data, int port) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("-jar");
      command.add(CommandProcessIT.JAR.toString());
      command.addAll(List.of("server", "--data", data.toString(), "--listen", "127.0.0.1:" + port));
      // Its log, kept beside the data directory, so a start that fails can say why.
      Path log = data.resolveSibling(data.getFileName() + "-server.log");
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        int at = line.indexOf("listening on ");
        if (at >= 0) {
          return new ServerProcess(process, line.substring(at + "listening on ".length()).strip());
        }
      }
      process.destroyForcibly();
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      throw new IOException(
          "the server process ended before it listened; the end of its log:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook runs
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
