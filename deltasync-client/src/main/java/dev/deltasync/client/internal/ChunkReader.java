package dev.deltasync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.format.FormatLimits;
import dev.deltasync.format.PackFormatException;
import dev.deltasync.format.PackLayout;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads chunks from the server's packs: {@code POST /v1/chunks/locate} says which pack holds a
 * chunk and where, a ranged {@code GET /v1/packs/{pack}} fetches its bytes, and {@link
 * PackLayout#decodeChunk} decodes and checks them against the id, so nothing unverified is ever
 * returned.
 *
 * <p>Chunks of one file tend to be neighbours in one pack, so the first chunk located in a pack
 * also fetches that pack's index (from its end: usually one request, plus 16 bytes of header),
 * which locates every other chunk of the pack without asking again; and reads that walk a pack in
 * order fetch a growing window ahead (up to {@link #MAX_WINDOW_BYTES}), so a run of small chunks
 * costs a few requests, not one each. Reads that go on from the end of one pack to the start of
 * another keep the window's size.
 *
 * <p>While reads walk a pack in order, the window after the current one is fetched in the
 * background (on one daemon thread, {@code deltasync-chunk-prefetch}), so the caller's work on the
 * chunks overlaps the network. A read that needs another place (a jump, another pack) cancels that
 * fetch. When the server answered the fetch ahead with an error (a missing pack, another range), it
 * is dropped and the read fetches what it needs itself, so that error surfaces from the read as
 * without read-ahead; when the connection failed after the transport's retries, the read fails with
 * that failure at once rather than wait through the retries again. Memory: at most {@link
 * #MAX_LOCATIONS} locations (about 150 bytes each), the current window and the one fetched ahead.
 * Thread-safe; reads are serialised.
 */
public final class ChunkReader implements AutoCloseable {
  static final int TAIL_BYTES = 64 * 1024;
  static final long MAX_INDEX_BYTES = 8L * 1024 * 1024;
  static final int FIRST_WINDOW_BYTES = 256 * 1024;
  static final int MAX_WINDOW_BYTES = 4 * 1024 * 1024;
  static final int MAX_LOCATIONS = 200_000;
  static final int MAX_PACKS = 512;
  static final String PREFETCH_THREAD = "deltasync-chunk-prefetch";

  /** How long {@link #close()} waits for a cancelled fetch ahead to end. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private static final Pattern PACK_ID = Pattern.compile("[0-9a-f]{32}");

  private record Location(String pack, PackLayout.Entry entry) {}

  @SuppressWarnings("ArrayRecordComponent") // private, and never compared
  private record Window(String pack, long start, byte[] bytes) {
    boolean covers(String p, long offset, int length) {
      return pack.equals(p) && offset >= start && offset + length <= end();
    }

    long end() {
      return start + bytes.length;
    }

    byte[] slice(long offset, int length) {
      byte[] slice = new byte[length];
      System.arraycopy(bytes, (int) (offset - start), slice, 0, length);
      return slice;
    }
  }

  /**
   * Bytes {@code start} to {@code end} of a pack, being fetched ahead; {@code size} is the window
   * size they were asked with (before clipping to the pack's data).
   */
  private record Prefetch(String pack, long start, long end, int size, Future<byte[]> bytes) {
    /**
     * Whether it holds a chunk, or the part of it that does not fit {@code current} when it begins
     * there and these bytes continue that window.
     */
    boolean serves(String p, long offset, int length, @Nullable Window current) {
      if (!pack.equals(p) || offset + length > end) {
        return false;
      }
      return offset >= start
          || (current != null
              && current.pack().equals(pack)
              && current.end() == start
              && offset >= current.start());
    }

    void cancel() {
      bytes.cancel(true);
    }
  }

  private final Transport transport;
  private final Credentials access;
  private final URI storage;
  private final Map<ChunkId, Location> locations = lru(MAX_LOCATIONS);

  /** Packs whose index was fetched (or could not be), with where their data ends (-1: unknown). */
  private final Map<String, Long> indexed = lru(MAX_PACKS);

  private @Nullable Window window;
  private @Nullable Prefetch prefetch;
  private String lastPack = "";
  private long lastEnd = -1;
  private int readAhead;
  private int blockingFetches;

  /** Runs the fetches ahead; started with the first one, stopped by {@link #close()}. */
  private @Nullable ExecutorService prefetcher;

  private @Nullable Thread prefetcherThread;

  public ChunkReader(Transport transport, Credentials access, URI storage) {
    this.transport = transport;
    this.access = access;
    this.storage = storage;
  }

  /**
   * A chunk's raw bytes, verified against its id.
   *
   * @throws StoreException.NotFound when the server does not hold it
   * @throws StoreException.Corrupt when the stored bytes do not match the id
   */
  public synchronized byte[] read(ChunkId id) throws IOException {
    Location location = locations.get(id);
    if (location == null) {
      location = locate(id);
      locations.put(id, location);
      if (!indexed.containsKey(location.pack())) {
        indexed.put(location.pack(), -1L);
        loadIndex(location.pack());
      }
    }
    byte[] stored;
    try {
      stored = stored(location);
    } catch (StoreException.NotFound e) {
      locations.remove(id);
      throw e;
    }
    try {
      return PackLayout.decodeChunk(location.entry(), stored);
    } catch (PackFormatException e) {
      locations.remove(id);
      forgetWindows();
      throw new StoreException.Corrupt(
          "chunk "
              + id
              + " in pack "
              + location.pack()
              + " on the server is damaged: "
              + e.getMessage(),
          e);
    }
  }

  /** Forgets every location and the window, and cancels the fetch ahead. */
  public synchronized void clear() {
    locations.clear();
    indexed.clear();
    forgetWindows();
  }

  /**
   * Like {@link #clear()}, and stops the thread that fetches ahead, waiting (up to 10 s) for a
   * cancelled fetch to end. The reader stays usable: a later read in order starts a new thread.
   */
  @Override
  public void close() {
    Thread stopping;
    synchronized (this) {
      clear();
      ExecutorService executor = prefetcher;
      stopping = prefetcherThread;
      prefetcher = null;
      prefetcherThread = null;
      if (executor == null) {
        return;
      }
      executor.shutdownNow();
    }
    if (stopping != null) {
      try {
        stopping.join(CLOSE_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The ranged requests that reads waited for from start to end, not fetched ahead: for tests. */
  synchronized int blockingFetches() {
    return blockingFetches;
  }

  /** The thread that fetches ahead, if one was started since the last close: for tests. */
  synchronized @Nullable Thread prefetcherThread() {
    return prefetcherThread;
  }

  private Location locate(ChunkId id) throws IOException {
    Call call =
        Call.post(uri("/v1/chunks/locate"), "locate chunk " + id)
            .auth(access)
            .json(Map.of("ids", List.of(id.toHex())))
            .idempotent();
    Optional<Location> found =
        transport.call(
            call,
            response -> {
              for (JsonNode chunk : Json.array(response.json(), "chunks")) {
                if (Json.text(chunk, "id").equals(id.toHex())) {
                  return Optional.of(location(id, chunk));
                }
              }
              return Optional.empty();
            });
    return found.orElseThrow(
        () -> new StoreException.NotFound("the server does not hold chunk " + id));
  }

  private static Location location(ChunkId id, JsonNode chunk) throws StoreException {
    String pack = Json.text(chunk, "pack");
    long codec = Json.number(chunk, "codec");
    long raw = Json.number(chunk, "rawLength");
    long stored = Json.number(chunk, "storedLength");
    long offset = Json.number(chunk, "offset");
    if (!PACK_ID.matcher(pack).matches()
        || (codec != PackLayout.CODEC_STORED && codec != PackLayout.CODEC_ZSTD)
        || raw < 1
        || raw > FormatLimits.MAX_CHUNK_BYTES
        || stored < 1
        || stored > FormatLimits.MAX_CHUNK_BYTES
        || offset < PackLayout.HEADER_BYTES) {
      throw new StoreException("the server located chunk " + id + " at a place that cannot be");
    }
    return new Location(
        pack,
        new PackLayout.Entry(id.toByteString(), (int) codec, (int) raw, (int) stored, offset));
  }

  /**
   * The chunk's stored bytes: from the window, from the window fetched ahead when reading in order,
   * or fetched now, with a window ahead when in order.
   */
  private byte[] stored(Location location) throws IOException {
    PackLayout.Entry entry = location.entry();
    String pack = location.pack();
    long offset = entry.offset();
    int length = entry.storedLength();
    boolean sequential = pack.equals(lastPack) && offset == lastEnd;
    // The first chunk of a pack right after the last chunk of another: reads that stream through
    // packs (a first sync) keep their window's size instead of starting small in every pack.
    boolean nextPack =
        !pack.equals(lastPack)
            && offset == PackLayout.HEADER_BYTES
            && lastEnd > 0
            && lastEnd == indexed.getOrDefault(lastPack, -1L);
    lastPack = pack;
    lastEnd = offset + length;
    Prefetch ahead = prefetch;
    if (ahead != null && !ahead.pack().equals(pack)) {
      cancelPrefetch();
      ahead = null;
    }
    Window current = window;
    if (current != null && current.covers(pack, offset, length)) {
      return current.slice(offset, length);
    }
    Window next = null;
    if (ahead != null) {
      prefetch = null;
      if (sequential && ahead.serves(pack, offset, length, current)) {
        next = take(ahead);
        if (next != null) {
          readAhead = ahead.size();
        }
      } else {
        ahead.cancel();
      }
    }
    if (next == null) {
      next = fetch(pack, offset, length, sequential || nextPack);
    }
    window = next;
    if (sequential || nextPack) {
      prefetchAfter(next);
    }
    if (offset >= next.start()) {
      return next.slice(offset, length);
    }
    // the chunk begins in the window before (Prefetch.serves checked that)
    Window before = Objects.requireNonNull(current);
    int head = (int) (next.start() - offset);
    byte[] stored = new byte[length];
    System.arraycopy(before.bytes(), (int) (offset - before.start()), stored, 0, head);
    System.arraycopy(next.bytes(), 0, stored, head, length - head);
    return stored;
  }

  /** Fetches the chunk now, with a growing window ahead when reading in order. */
  private Window fetch(String pack, long offset, int length, boolean sequential)
      throws IOException {
    readAhead =
        sequential ? Math.min(MAX_WINDOW_BYTES, Math.max(FIRST_WINDOW_BYTES, readAhead * 2)) : 0;
    long end = offset + length;
    long dataEnd = indexed.getOrDefault(pack, -1L);
    if (readAhead > length && dataEnd > end) {
      end = Math.min(dataEnd, offset + readAhead);
    }
    blockingFetches++;
    return new Window(pack, offset, range(pack, offset, end));
  }

  /**
   * The window fetched ahead, waiting for it if it is still on its way; null when its fetch failed:
   * the caller then fetches what it needs itself, and meets the failure again if it lasts.
   *
   * @throws InterruptedIOException when this thread is interrupted while waiting
   */
  private @Nullable Window take(Prefetch ahead) throws IOException {
    String pack = ahead.pack();
    try {
      return new Window(pack, ahead.start(), ahead.bytes().get());
    } catch (InterruptedException e) {
      ahead.cancel();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while trying to read pack " + pack);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof IOException io && !(io instanceof StoreException)) {
        // The connection failed after the transport's retries: asking again would only wait as
        // long once more.
        throw io;
      }
      return null; // the server's answer (a missing or odd range): the read asks itself
    } catch (CancellationException e) {
      return null;
    }
  }

  /** Starts fetching the window after {@code current}, if the pack's data goes on. */
  private void prefetchAfter(Window current) {
    String pack = current.pack();
    long start = current.end();
    long dataEnd = indexed.getOrDefault(pack, -1L);
    if (dataEnd <= start) {
      return;
    }
    int size = Math.min(MAX_WINDOW_BYTES, Math.max(FIRST_WINDOW_BYTES, readAhead * 2));
    long end = Math.min(dataEnd, start + size);
    Future<byte[]> bytes = prefetcher().submit(() -> range(pack, start, end));
    prefetch = new Prefetch(pack, start, end, size, bytes);
  }

  private ExecutorService prefetcher() {
    ExecutorService executor = prefetcher;
    if (executor == null) {
      executor =
          Executors.newSingleThreadExecutor(task -> {
            Thread thread = Thread.ofPlatform().name(PREFETCH_THREAD).daemon().unstarted(task);
            prefetcherThread = thread;
            return thread;
          });
      prefetcher = executor;
    }
    return executor;
  }

  private void cancelPrefetch() {
    Prefetch ahead = prefetch;
    prefetch = null;
    if (ahead != null) {
      ahead.cancel();
    }
  }

  private void forgetWindows() {
    window = null;
    cancelPrefetch();
  }

  /** Bytes {@code start} (inclusive) to {@code end} (exclusive) of a pack. */
  private byte[] range(String pack, long start, long end) throws IOException {
    int length = Math.toIntExact(end - start);
    Call call =
        Call.get(packUri(pack), "read pack " + pack)
            .auth(access)
            .header("Range", "bytes=" + start + "-" + (end - 1))
            .accept(404, 416);
    return transport.call(
        call,
        response -> {
          if (response.status() == 404) {
            throw new StoreException.NotFound("the server has no pack " + pack);
          }
          if (response.status() == 416) {
            throw new StoreException.Corrupt(
                "pack " + pack + " on the server is shorter than its index says");
          }
          if (response.status() == 200) { // the whole pack: skip to the range
            response.body().skipNBytes(start);
          } else {
            ContentRange range = ContentRange.parse(response.header("Content-Range"));
            if (range == null || range.first() != start || range.last() != end - 1) {
              throw new StoreException(
                  "the server answered another range of pack " + pack + " than asked");
            }
          }
          byte[] bytes = response.body().readNBytes(length);
          if (bytes.length != length) {
            throw new IOException(
                "pack " + pack + ": the answer ended after " + bytes.length + " of " + length);
          }
          return bytes;
        });
  }

  /**
   * Fetches a pack's index from its end and learns where all its chunks are. A pack whose index
   * cannot be read this way is read by located chunks only, so failures other than the connection
   * are ignored here: every chunk is verified when read anyway.
   */
  private void loadIndex(String pack) throws IOException {
    try {
      PackTail tail = tail(pack);
      long size = tail.size();
      if (size < PackLayout.HEADER_BYTES + PackLayout.TRAILER_BYTES
          || tail.bytes().length < PackLayout.TRAILER_BYTES) {
        return;
      }
      RegionChannel channel = new RegionChannel(size);
      channel.add(tail.start(), tail.bytes());
      byte[] bytes = tail.bytes();
      long indexOffset =
          ByteBuffer.wrap(bytes).getLong(bytes.length - PackLayout.TRAILER_BYTES + 4);
      if (indexOffset < PackLayout.HEADER_BYTES || indexOffset > size) {
        return;
      }
      if (indexOffset < tail.start()) {
        if (tail.start() - indexOffset > MAX_INDEX_BYTES) {
          return;
        }
        channel.add(indexOffset, range(pack, indexOffset, tail.start()));
      }
      if (tail.start() > 0) {
        channel.add(0, range(pack, 0, PackLayout.HEADER_BYTES));
      }
      List<PackLayout.Entry> entries;
      try {
        entries = PackLayout.readIndex(channel);
      } catch (IOException e) { // all in memory: not valid, or a region we could not fetch
        return;
      }
      for (PackLayout.Entry entry : entries) {
        locations.putIfAbsent(ChunkId.of(entry.id()), new Location(pack, entry));
      }
      indexed.put(pack, indexOffset);
      if (tail.start() == 0) {
        window = new Window(pack, 0, bytes); // a small pack: all of it is here already
      }
    } catch (PackFormatException | StoreException e) {
      // the located chunk is read on its own, and verified
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // private, and never compared
  private record PackTail(long start, long size, byte[] bytes) {}

  private PackTail tail(String pack) throws IOException {
    Call call =
        Call.get(packUri(pack), "read the index of pack " + pack)
            .auth(access)
            .header("Range", "bytes=-" + TAIL_BYTES);
    return transport.call(
        call,
        response -> {
          if (response.status() == 200) {
            byte[] all = response.bytes(TAIL_BYTES);
            return new PackTail(0, all.length, all);
          }
          ContentRange range = ContentRange.parse(response.header("Content-Range"));
          if (range == null || range.size() < 0 || range.last() - range.first() + 1 > TAIL_BYTES) {
            throw new StoreException("the server answered a range of pack " + pack + " oddly");
          }
          byte[] bytes = response.bytes(range.last() - range.first() + 1);
          return new PackTail(range.first(), range.size(), bytes);
        });
  }

  private URI packUri(String pack) {
    return uri("/v1/packs/" + Urls.segment(pack));
  }

  private URI uri(String rawPath) {
    return Urls.resolve(storage, rawPath);
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  /** The parsed {@code Content-Range: bytes FIRST-LAST/SIZE} header (size -1 for {@code *}). */
  record ContentRange(long first, long last, long size) {
    private static final Pattern FORM =
        Pattern.compile("bytes (\\d{1,19})-(\\d{1,19})/(\\d{1,19}|\\*)");

    static @Nullable ContentRange parse(@Nullable String header) {
      if (header == null) {
        return null;
      }
      var m = FORM.matcher(header.strip());
      if (!m.matches()) {
        return null;
      }
      try {
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long size = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        return last < first ? null : new ContentRange(first, last, size);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
