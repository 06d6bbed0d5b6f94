package dev.deltasync.bench;

import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.PackWriter;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server under load, over loopback: {@code deltasync server} runs as its own process (so its
 * CPU and heap are measured apart from the clients), and this program drives it.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.deltasync.bench.ServerScenario \
 *     [--jar deltasync-cli/target/deltasync.jar] [--clients 50] [--seconds 10] \
 *     [--watchers 5000] [--pack-mib 256] [--server-heap 512m]
 * </pre>
 *
 * Phases: (1) appends of 1 KiB change logs, each client to its own collection, expected head from
 * its previous append; (2) reads of those logs at random; (3) download of one pack with parallel
 * HTTP Range requests; (4) idle watchers on the push channel: server CPU and heap while they idle,
 * and how long one append takes to reach all of them.
 */
public final class ServerScenario {
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  private static final Pattern PACK = Pattern.compile("\"pack\":\"([0-9a-f]+)\"");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private String url = "";
  private String device = "";
  private String access = "";

  private ServerScenario() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of("deltasync-cli/target/deltasync.jar");
    int clients = 50;
    int seconds = 10;
    int watchers = 5000;
    int packMib = 256;
    String heap = "512m";
    int warmup = 10;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--jar" -> jar = Path.of(args[i + 1]);
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--watchers" -> watchers = Integer.parseInt(args[i + 1]);
        case "--pack-mib" -> packMib = Integer.parseInt(args[i + 1]);
        case "--server-heap" -> heap = args[i + 1];
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("deltasync-server-bench");
    List<String> command =
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xmx" + heap,
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            jar.toString(),
            "server",
            "--data",
            data.toString(),
            "--listen",
            "127.0.0.1:0");
    Process server =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      ServerScenario scenario = new ServerScenario();
      scenario.url = awaitListening(server);
      System.out.printf(
          "server pid %d at %s, heap -Xmx%s, %d cores%n",
          server.pid(), scenario.url, heap, Runtime.getRuntime().availableProcessors());
      scenario.setUp(data);
      if (warmup > 0) { // JIT compilation and GC sizing, not measured
        scenario.appendsAndReads("warmup", clients, warmup, false);
      }
      scenario.appendsAndReads("c", clients, seconds, true);
      scenario.packDownload(packMib, 4, seconds);
      scenario.idleWatchers(server.pid(), watchers, 30);
    } finally {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String awaitListening(Process server) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      int at = line.indexOf("listening on ");
      if (at >= 0) {
        return line.substring(at + "listening on ".length()).strip();
      }
    }
    throw new IOException("the server ended before it listened");
  }

  private void setUp(Path data) throws Exception {
    String admin = Files.readString(data.resolve("admin-token")).strip();
    check(post("/v1/users", admin, "{\"name\":\"bench\",\"password\":\"bench password\"}"), 201);
    String basic =
        Base64.getEncoder().encodeToString("bench:bench password".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> registered =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/devices"))
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    device = token(check(registered, 201));
    access = token(check(post("/v1/access-tokens", device, "{}"), 200));
  }

  /**
   * Appends, then reads, over plain HTTP/1.1 keep-alive connections (one per client, a minimal
   * client on a socket): the JDK's HttpClient costs the client side more CPU than the server
   * spends, and on two shared cores that would measure the client.
   */
  private void appendsAndReads(String prefix, int clients, int seconds, boolean report)
      throws Exception {
    AtomicLong appended = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long[] heads = new long[clients];
    URI base = URI.create(url);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                Random random = new Random(client);
                long head = 0;
                try (RawClient http = new RawClient(base, access)) {
                  while (System.nanoTime() < deadline) {
                    byte[] log = smallLog(random, prefix + client);
                    int status =
                        http.post(
                            "/v1/collections/" + prefix + client + "/logs?expectedHead=" + head,
                            log);
                    if (status == 201) {
                      head++;
                      appended.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  }
                } catch (IOException e) {
                  failed.incrementAndGet();
                }
                heads[client] = head;
              }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        (report ? "" : "(warm-up) ")
            + "appends: %d clients, %d appended in %.1f s = %.0f appends/s (%d failed)%n",
        clients,
        appended.get(),
        elapsed,
        appended.get() / elapsed,
        failed.get());

    AtomicLong read = new AtomicLong();
    AtomicLong readBytes = new AtomicLong();
    long readDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long readStart = System.nanoTime();
    threads.clear();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                try (RawClient http = new RawClient(base, access)) {
                  while (System.nanoTime() < readDeadline && heads[client] > 0) {
                    long sequence = 1 + ThreadLocalRandom.current().nextLong(heads[client]);
                    if (http.get("/v1/collections/" + prefix + client + "/logs/" + sequence)
                        == 200) {
                      read.incrementAndGet();
                      readBytes.addAndGet(http.bodyLength());
                    } else {
                      failed.incrementAndGet();
                    }
                  }
                } catch (IOException e) {
                  failed.incrementAndGet();
                }
              }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double readElapsed = (System.nanoTime() - readStart) / 1e9;
    System.out.printf(
        (report ? "" : "(warm-up) ")
            + "reads: %d clients, %d logs (%.0f bytes each) in %.1f s = %.0f reads/s%n",
        clients,
        read.get(),
        read.get() == 0 ? 0.0 : readBytes.get() / (double) read.get(),
        readElapsed,
        read.get() / readElapsed);
  }

  /** HTTP/1.1 on one keep-alive socket: enough for requests with Content-Length answers. */
  private static final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final java.io.BufferedInputStream in;
    private final OutputStream out;
    private final String host;
    private final String token;
    private int bodyLength;

    RawClient(URI base, String token) throws IOException {
      this.socket = new Socket(base.getHost(), base.getPort());
      socket.setTcpNoDelay(true);
      this.in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
      this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      this.host = base.getHost() + ":" + base.getPort();
      this.token = token;
    }

    int post(String path, byte[] body) throws IOException {
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nAuthorization: Bearer "
                  + token
                  + "\r\nContent-Type: application/vnd.deltasync.changelog\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return answer();
    }

    int get(String path, String... headers) throws IOException {
      StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
      request.append("Host: ").append(host).append("\r\nAuthorization: Bearer ").append(token);
      for (String header : headers) {
        request.append("\r\n").append(header);
      }
      out.write(request.append("\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return answer();
    }

    int bodyLength() {
      return bodyLength;
    }

    /** Reads the status line, the headers and a body of Content-Length bytes. */
    private int answer() throws IOException {
      String status = line();
      int code = Integer.parseInt(status.substring(9, 12));
      int length = 0;
      for (String header = line(); !header.isEmpty(); header = line()) {
        if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Integer.parseInt(header.substring(15).strip());
        }
      }
      byte[] sink = new byte[1 << 16];
      for (int left = length; left > 0; ) {
        int n = in.read(sink, 0, Math.min(sink.length, left));
        if (n < 0) {
          throw new IOException("the answer ended early");
        }
        left -= n;
      }
      bodyLength = length;
      return code;
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("the server closed the connection");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private void packDownload(int packMib, int parallel, int seconds) throws Exception {
    Random random = new Random(1);
    Path pack = Files.createTempFile("bench", ".dspack");
    try {
      try (OutputStream out = Files.newOutputStream(pack)) {
        PackWriter writer = new PackWriter(new java.io.BufferedOutputStream(out, 1 << 20));
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < packMib; i++) {
          random.nextBytes(chunk);
          writer.add(sha256(chunk), chunk.clone());
        }
        writer.finish();
      }
      long size = Files.size(pack);
      HttpResponse<String> uploaded =
          http.send(
              authorized("/v1/packs").POST(HttpRequest.BodyPublishers.ofFile(pack)).build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = PACK.matcher(check(uploaded, 201).body());
      if (!m.find()) {
        throw new IOException("no pack id in " + uploaded.body());
      }
      String packId = m.group(1);
      AtomicLong bytes = new AtomicLong();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      long slice = size / parallel;
      URI base = URI.create(url);
      for (int p = 0; p < parallel; p++) {
        long first = p * slice;
        long last = p == parallel - 1 ? size - 1 : first + slice - 1;
        threads.add(
            Thread.ofPlatform()
                .start(() -> {
                  try (RawClient http = new RawClient(base, access)) {
                    while (System.nanoTime() < deadline) {
                      int status =
                          http.get("/v1/packs/" + packId, "Range: bytes=" + first + "-" + last);
                      if (status != 206) {
                        return;
                      }
                      bytes.addAndGet(http.bodyLength());
                    }
                  } catch (IOException e) {
                    // counted what arrived
                  }
                }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "pack download: %d MiB pack, %d parallel ranges, %.2f GB in %.1f s = %.2f GB/s%n",
          packMib, parallel, bytes.get() / 1e9, elapsed, bytes.get() / 1e9 / elapsed);
    } finally {
      Files.deleteIfExists(pack);
    }
  }

  private void idleWatchers(long pid, int count, int seconds) throws Exception {
    URI base = URI.create(url);
    List<Socket> sockets = new ArrayList<>();
    byte[] request =
        ("GET /v1/events HTTP/1.1\r\nHost: "
                + base.getHost()
                + "\r\nAuthorization: Bearer "
                + device
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    try {
      for (int i = 0; i < count; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.getOutputStream().write(request);
        sockets.add(socket);
      }
      for (Socket socket : sockets) { // each has its first event: the connection is set up
        socket.setSoTimeout(30_000);
        readUntil(socket.getInputStream(), "event: heads");
      }
      Thread.sleep(2000);
      long cpuBefore = cpuTicks(pid);
      long wallBefore = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long ticks = cpuTicks(pid) - cpuBefore;
      double wall = (System.nanoTime() - wallBefore) / 1e9;
      double cpuSeconds = ticks / 100.0; // USER_HZ
      int cores = Runtime.getRuntime().availableProcessors();
      System.out.printf(
          "idle watchers: %d connected; server CPU over %.0f s: %.2f CPU-s = %.2f%% of one core,"
              + " %.2f%% of the machine (%d cores)%n",
          count, wall, cpuSeconds, 100 * cpuSeconds / wall, 100 * cpuSeconds / wall / cores, cores);
      System.out.println(
          "server heap with the watchers connected (jcmd GC.heap_info after GC.run):");
      jcmd(pid, "GC.run");
      System.out.println(jcmd(pid, "GC.heap_info"));

      long sent = System.nanoTime();
      check(
          http.send(
              authorized("/v1/collections/watched/logs?expectedHead=0")
                  .header("Content-Type", "application/vnd.deltasync.changelog")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(smallLog(new Random(9), "watched")))
                  .build(),
              HttpResponse.BodyHandlers.ofString()),
          201);
      long slowest = 0;
      for (Socket socket : sockets) {
        readUntil(socket.getInputStream(), "\"watched\"");
        slowest = Math.max(slowest, System.nanoTime() - sent);
      }
      System.out.printf(
          "push: one append reached all %d watchers within %.0f ms%n", count, slowest / 1e6);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void readUntil(InputStream in, String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    byte[] buffer = new byte[4096];
    while (seen.indexOf(marker) < 0) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("the connection ended before " + marker + ": " + seen);
      }
      seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
  }

  private static String jcmd(long pid, String what) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), what).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out.strip();
  }

  private static byte[] smallLog(Random random, String collection) throws IOException {
    byte[] logId = new byte[16];
    random.nextBytes(logId);
    byte[] data = new byte[900];
    random.nextBytes(data);
    LogHeader header =
        LogHeader.newBuilder()
            .setUser("bench")
            .setCollection(collection)
            .setOriginDevice("bench")
            .setLogId(ByteString.copyFrom(logId))
            .setCreatedMillis(System.currentTimeMillis())
            .setCompression(Compression.COMPRESSION_ZSTD)
            .setCompressionLevel(3)
            .build();
    Chunk chunk = Chunk.newBuilder().setId(sha256(data)).setData(ByteString.copyFrom(data)).build();
    return ChangeLogWriter.encode(new ChangeLog(header, List.of(), List.of(chunk)));
  }

  private static ByteString sha256(byte[] data) {
    try {
      return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + access);
  }

  private HttpResponse<String> post(String path, String token, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static <T> HttpResponse<T> check(HttpResponse<T> response, int status)
      throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(
          "expected " + status + " but got " + response.statusCode() + ": " + response.body());
    }
    return response;
  }

  private static String token(HttpResponse<String> response) throws IOException {
    Matcher m = TOKEN.matcher(response.body());
    if (!m.find()) {
      throw new IOException("no token in the answer");
    }
    return m.group(1);
  }
}
