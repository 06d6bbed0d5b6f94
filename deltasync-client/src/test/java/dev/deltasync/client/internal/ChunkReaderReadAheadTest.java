package dev.deltasync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deltasync.client.ClientOptions;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.format.PackLayout;
import dev.deltasync.format.PackWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reading a pack in order fetches the next window in the background, against a pack server. */
class ChunkReaderReadAheadTest {
  private static final String PACK = "0123456789abcdef0123456789abcdef";
  private static final String OTHER_PACK = "fedcba9876543210fedcba9876543210";

  @Test
  void readingAPackInOrderWaitsOnlyForTheFirstTwoFetches() throws IOException {
    Pack pack = Pack.random(PACK, 1, 12 * 1024 * 1024);
    try (PackServer server = new PackServer(pack);
        Transport transport = transport(server)) {
      ChunkReader reader = reader(transport, server);
      for (int i = 0; i < pack.size(); i++) {
        assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
      }
      reader.close();

      List<String> expected = new ArrayList<>(List.of(pack.tailRange(), "0-15", pack.range(0)));
      long start = pack.entry(1).offset();
      for (int size = ChunkReader.FIRST_WINDOW_BYTES;
          start < pack.dataEnd();
          size = Math.min(ChunkReader.MAX_WINDOW_BYTES, size * 2)) {
        long end = Math.min(pack.dataEnd(), start + size);
        expected.add(start + "-" + (end - 1));
        start = end;
      }
      assertThat(server.ranges).containsExactlyElementsOf(expected);
      int windows = expected.size() - 3;
      assertThat(windows).isGreaterThanOrEqualTo(6); // each one waited for without read-ahead
      assertThat(reader.blockingFetches()).isEqualTo(2); // the first chunk and the first window
    }
  }

  @Test
  void readingOnIntoAnotherPackKeepsTheWindowsSize() throws IOException {
    Pack pack = Pack.random(PACK, 5, 12 * 1024 * 1024);
    Pack next = Pack.random(OTHER_PACK, 6, 12 * 1024 * 1024);
    try (PackServer server = new PackServer(pack, next);
        Transport transport = transport(server)) {
      ChunkReader reader = reader(transport, server);
      for (int i = 0; i < pack.size(); i++) {
        assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
      }
      int before = server.ranges.size();
      for (int i = 0; i < next.size(); i++) {
        assertThat(reader.read(next.id(i))).isEqualTo(next.data(i));
      }
      reader.close();
      List<String> nextRanges = server.ranges.subList(before, server.ranges.size());
      // the index (tail and header), then windows of the full size from the first chunk on
      assertThat(nextRanges.get(0)).isEqualTo(next.tailRange());
      assertThat(nextRanges.get(1)).isEqualTo("0-15");
      long start = PackLayout.HEADER_BYTES;
      List<String> windows = new ArrayList<>();
      while (start < next.dataEnd()) {
        long end = Math.min(next.dataEnd(), start + ChunkReader.MAX_WINDOW_BYTES);
        windows.add(start + "-" + (end - 1));
        start = end;
      }
      assertThat(nextRanges.subList(2, nextRanges.size())).containsExactlyElementsOf(windows);
    }
  }

  @Test
  void aJumpWhileTheNextWindowIsOnItsWayReadsTheRightChunk() throws Exception {
    Pack pack = Pack.random(PACK, 2, 6 * 1024 * 1024);
    long ahead = firstWindowAhead(pack);
    int jump = pack.size() / 2;
    try (PackServer server = new PackServer(pack);
        Transport transport = transport(server)) {
      server.holdOnce(ahead);
      ChunkReader reader = reader(transport, server);
      try {
        readUntilTheFetchAheadIsHeld(reader, pack, server);

        assertThat(reader.read(pack.id(jump))).isEqualTo(pack.data(jump));
        server.release.countDown();
        for (int i = jump + 1; i < pack.size(); i++) {
          assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
        }
        for (int i = 2; i < jump; i++) {
          assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
        }
      } finally {
        server.release.countDown();
        reader.close();
      }
      assertThat(server.ranges).containsOnlyOnce(pack.range(jump));
    }
  }

  @Test
  void readingAnotherPackWhileTheNextWindowIsOnItsWayReadsTheRightChunks() throws Exception {
    Pack pack = Pack.random(PACK, 3, 3 * 1024 * 1024);
    Pack other = Pack.random(OTHER_PACK, 4, 1024 * 1024);
    long ahead = firstWindowAhead(pack);
    try (PackServer server = new PackServer(pack, other);
        Transport transport = transport(server)) {
      server.holdOnce(ahead);
      ChunkReader reader = reader(transport, server);
      try {
        readUntilTheFetchAheadIsHeld(reader, pack, server);

        for (int i = 0; i < other.size(); i++) {
          assertThat(reader.read(other.id(i))).isEqualTo(other.data(i));
        }
        server.release.countDown();
        for (int i = 2; i < pack.size(); i++) {
          assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
        }
      } finally {
        server.release.countDown();
        reader.close();
      }
    }
  }

  @Test
  void aWindowAheadThatFailsIsFetchedAgainWhenNeeded() throws IOException {
    Pack pack = Pack.random(PACK, 5, 4 * 1024 * 1024);
    long ahead = firstWindowAhead(pack);
    try (PackServer server = new PackServer(pack);
        Transport transport = transport(server)) {
      server.failOnceAt = ahead;
      ChunkReader reader = reader(transport, server);
      for (int i = 0; i < pack.size(); i++) {
        assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
      }
      reader.close();

      int across = pack.chunkAt(ahead);
      assertThat(server.ranges.stream().filter(r -> r.startsWith(ahead + "-"))).hasSize(1);
      assertThat(
              server.ranges.stream().filter(r -> r.startsWith(pack.entry(across).offset() + "-")))
          .hasSize(1);
      assertThat(reader.blockingFetches()).isEqualTo(3);
    }
  }

  @Test
  void aWindowAheadThatStaysUnavailableFailsTheReadAsWithoutReadAhead() throws IOException {
    Pack pack = Pack.random(PACK, 6, 4 * 1024 * 1024);
    long ahead = firstWindowAhead(pack);
    int across = pack.chunkAt(ahead);
    try (PackServer server = new PackServer(pack);
        Transport transport = transport(server)) {
      server.missingByte = ahead;
      ChunkReader reader = reader(transport, server);
      for (int i = 0; i < across; i++) {
        assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
      }
      assertThatThrownBy(() -> reader.read(pack.id(across)))
          .isInstanceOf(StoreException.NotFound.class)
          .hasMessage("the server has no pack " + PACK);
      reader.close();

      ChunkReader direct = reader(transport, server);
      assertThatThrownBy(() -> direct.read(pack.id(across)))
          .isInstanceOf(StoreException.NotFound.class)
          .hasMessage("the server has no pack " + PACK);
      assertThat(direct.prefetcherThread()).isNull();
    }
  }

  @Test
  void closeStopsTheThreadThatFetchesAhead() throws Exception {
    Pack pack = Pack.random(PACK, 7, 2 * 1024 * 1024);
    long ahead = firstWindowAhead(pack);
    try (PackServer server = new PackServer(pack);
        Transport transport = transport(server)) {
      server.holdOnce(ahead);
      ChunkReader reader = reader(transport, server);
      try {
        readUntilTheFetchAheadIsHeld(reader, pack, server);
        Thread thread =
            Objects.requireNonNull(reader.prefetcherThread(), "no thread fetches ahead");
        assertThat(thread.getName()).isEqualTo(ChunkReader.PREFETCH_THREAD);
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.isAlive()).isTrue();

        reader.close();

        assertThat(thread.isAlive()).isFalse();
        assertThat(reader.prefetcherThread()).isNull();
      } finally {
        server.release.countDown();
      }

      for (int i = 0; i < pack.size(); i++) { // still usable, with a new thread
        assertThat(reader.read(pack.id(i))).isEqualTo(pack.data(i));
      }
      Thread again = Objects.requireNonNull(reader.prefetcherThread(), "no thread fetches ahead");
      reader.close();
      assertThat(again.isAlive()).isFalse();
    }
  }

  /** Where the first window fetched ahead begins: after chunk 1's window. */
  private static long firstWindowAhead(Pack pack) {
    return pack.entry(1).offset() + ChunkReader.FIRST_WINDOW_BYTES;
  }

  /**
   * Reads chunks 0 and 1 in order, which starts the first fetch ahead, and waits until the server
   * holds that fetch ({@code holdOnce(firstWindowAhead(pack))}).
   */
  private static void readUntilTheFetchAheadIsHeld(ChunkReader reader, Pack pack, PackServer server)
      throws Exception {
    reader.read(pack.id(0));
    reader.read(pack.id(1));
    assertThat(server.held.await(30, TimeUnit.SECONDS)).isTrue();
  }

  private static Transport transport(PackServer server) {
    return new Transport(ClientOptions.of(server.url()).withRetry(TransportTest.QUICK));
  }

  private static ChunkReader reader(Transport transport, PackServer server) {
    return new ChunkReader(transport, Credentials.bearer("token"), server.url());
  }

  /** A pack of seeded random chunks, some of them compressible. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never compared
  private record Pack(String name, byte[] bytes, List<PackLayout.Entry> entries, List<byte[]> raw) {
    static Pack random(String name, long seed, int dataBytes) throws IOException {
      Random random = new Random(seed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PackWriter writer = new PackWriter(out);
      List<byte[]> raw = new ArrayList<>();
      while (writer.size() < dataBytes) {
        byte[] data = new byte[16 * 1024 + random.nextInt(112 * 1024)];
        if (raw.size() % 3 == 2) {
          for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + random.nextInt(4));
          }
        } else {
          random.nextBytes(data);
        }
        writer.add(ChunkId.sha256(data).toByteString(), data);
        raw.add(data);
      }
      List<PackLayout.Entry> entries = writer.finish();
      return new Pack(name, out.toByteArray(), entries, raw);
    }

    int size() {
      return entries.size();
    }

    ChunkId id(int i) {
      return ChunkId.of(entries.get(i).id());
    }

    byte[] data(int i) {
      return raw.get(i);
    }

    PackLayout.Entry entry(int i) {
      return entries.get(i);
    }

    long dataEnd() {
      PackLayout.Entry last = entries.getLast();
      return last.offset() + last.storedLength();
    }

    /** The chunk whose stored bytes hold {@code offset}. */
    int chunkAt(long offset) {
      for (int i = 0; i < entries.size(); i++) {
        PackLayout.Entry entry = entries.get(i);
        if (offset >= entry.offset() && offset < entry.offset() + entry.storedLength()) {
          return i;
        }
      }
      throw new IllegalArgumentException("no chunk at " + offset);
    }

    String range(int i) {
      return entry(i).offset() + "-" + (entry(i).offset() + entry(i).storedLength() - 1);
    }

    String tailRange() {
      return Math.max(0, bytes.length - ChunkReader.TAIL_BYTES) + "-" + (bytes.length - 1);
    }
  }

  /**
   * Serves packs the way the storage role does ({@code POST /v1/chunks/locate}, ranged {@code GET
   * /v1/packs/{pack}}), records the ranges asked for, and injects faults by where a range starts.
   */
  private static final class PackServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final HttpServer http;
    private final Map<String, Pack> packs = new ConcurrentHashMap<>();

    /** The ranges asked for, {@code first-last}, in order. */
    final List<String> ranges = new CopyOnWriteArrayList<>();

    /** The first range that starts here is answered 404. */
    volatile long failOnceAt = -1;

    /** Every range that holds this byte is answered 404. */
    volatile long missingByte = -1;

    private volatile long holdAt = -1;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    PackServer(Pack... served) throws IOException {
      for (Pack pack : served) {
        packs.put(pack.name(), pack);
      }
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      http.createContext("/v1/chunks/locate", this::locate);
      http.createContext("/v1/packs/", this::pack);
      http.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** Answers the first range that starts at {@code offset} only after {@link #release}. */
    void holdOnce(long offset) {
      holdAt = offset;
    }

    private void locate(HttpExchange exchange) throws IOException {
      try (exchange) {
        JsonNode asked = new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes());
        StringBuilder chunks = new StringBuilder();
        for (JsonNode id : asked.get("ids")) {
          for (Pack pack : packs.values()) {
            for (PackLayout.Entry entry : pack.entries()) {
              if (ChunkId.of(entry.id()).toHex().equals(id.asText())) {
                chunks.append(chunks.isEmpty() ? "" : ",").append(json(pack.name(), entry));
              }
            }
          }
        }
        byte[] body = ("{\"chunks\":[" + chunks + "]}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }

    private static String json(String pack, PackLayout.Entry entry) {
      return "{\"id\":\"%s\",\"pack\":\"%s\",\"codec\":%d,\"rawLength\":%d,\"storedLength\":%d,\"offset\":%d}"
          .formatted(
              ChunkId.of(entry.id()).toHex(),
              pack,
              entry.codec(),
              entry.rawLength(),
              entry.storedLength(),
              entry.offset());
    }

    private void pack(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        Pack pack = packs.get(path.substring(path.lastIndexOf('/') + 1));
        Matcher m = RANGE.matcher(exchange.getRequestHeaders().getFirst("Range"));
        if (pack == null || !m.matches()) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        long size = pack.bytes().length;
        long first =
            m.group(1).isEmpty()
                ? Math.max(0, size - Long.parseLong(m.group(2)))
                : Long.parseLong(m.group(1));
        long last =
            m.group(1).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
        ranges.add(first + "-" + last);
        if (first == holdAt) {
          holdAt = -1;
          held.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (first == failOnceAt) {
          failOnceAt = -1;
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        if (first <= missingByte && missingByte <= last) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange
            .getResponseHeaders()
            .add("Content-Range", "bytes " + first + "-" + last + "/" + size);
        exchange.sendResponseHeaders(206, last - first + 1);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(pack.bytes(), (int) first, (int) (last - first + 1));
        }
      }
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }
}
