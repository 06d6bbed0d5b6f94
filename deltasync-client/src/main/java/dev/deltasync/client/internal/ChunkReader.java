package dev.deltasync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.format.FormatLimits;
import dev.deltasync.format.PackFormatException;
import dev.deltasync.format.PackLayout;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * costs a few requests, not one each. Memory: at most {@link #MAX_LOCATIONS} locations (about 150
 * bytes each) and one window. Thread-safe; reads are serialised.
 */
public final class ChunkReader {
  static final int TAIL_BYTES = 64 * 1024;
  static final long MAX_INDEX_BYTES = 8L * 1024 * 1024;
  static final int FIRST_WINDOW_BYTES = 256 * 1024;
  static final int MAX_WINDOW_BYTES = 4 * 1024 * 1024;
  static final int MAX_LOCATIONS = 200_000;
  static final int MAX_PACKS = 512;
  private static final Pattern PACK_ID = Pattern.compile("[0-9a-f]{32}");

  private record Location(String pack, PackLayout.Entry entry) {}

  @SuppressWarnings("ArrayRecordComponent") // private, and never compared
  private record Window(String pack, long start, byte[] bytes) {
    boolean covers(String p, long offset, int length) {
      return pack.equals(p) && offset >= start && offset + length <= start + bytes.length;
    }
  }

  private final Transport transport;
  private final Credentials access;
  private final URI storage;
  private final Map<ChunkId, Location> locations = lru(MAX_LOCATIONS);

  /** Packs whose index was fetched (or could not be), with where their data ends (-1: unknown). */
  private final Map<String, Long> indexed = lru(MAX_PACKS);

  private @Nullable Window window;
  private String lastPack = "";
  private long lastEnd = -1;
  private int readAhead;

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
      window = null;
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

  /** Forgets every location and the window. */
  public synchronized void clear() {
    locations.clear();
    indexed.clear();
    window = null;
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

  /** The chunk's stored bytes: from the window, or fetched with a window ahead when sequential. */
  private byte[] stored(Location location) throws IOException {
    PackLayout.Entry entry = location.entry();
    String pack = location.pack();
    boolean sequential = pack.equals(lastPack) && entry.offset() == lastEnd;
    lastPack = pack;
    lastEnd = entry.offset() + entry.storedLength();
    Window current = window;
    if (current == null || !current.covers(pack, entry.offset(), entry.storedLength())) {
      readAhead =
          sequential ? Math.min(MAX_WINDOW_BYTES, Math.max(FIRST_WINDOW_BYTES, readAhead * 2)) : 0;
      long end = entry.offset() + entry.storedLength();
      long dataEnd = indexed.getOrDefault(pack, -1L);
      if (readAhead > entry.storedLength() && dataEnd > end) {
        end = Math.min(dataEnd, entry.offset() + readAhead);
      }
      current = new Window(pack, entry.offset(), range(pack, entry.offset(), end));
      window = current;
    }
    int from = (int) (entry.offset() - current.start());
    byte[] stored = new byte[entry.storedLength()];
    System.arraycopy(current.bytes(), from, stored, 0, stored.length);
    return stored;
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
