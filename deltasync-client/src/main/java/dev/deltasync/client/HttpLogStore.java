package dev.deltasync.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.deltasync.client.internal.AccessTokenCache;
import dev.deltasync.client.internal.Call;
import dev.deltasync.client.internal.ChunkReader;
import dev.deltasync.client.internal.Json;
import dev.deltasync.client.internal.PackUpload;
import dev.deltasync.client.internal.Problems;
import dev.deltasync.client.internal.Transport;
import dev.deltasync.client.internal.Urls;
import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.engine.store.StoredChunk;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.FormatInfo;
import dev.deltasync.format.FormatLimits;
import dev.deltasync.format.LogEnvelope;
import dev.deltasync.format.PackWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LogStore} of one user on a deltasync server, through the storage role's HTTP API
 * (docs/protocol.md), authenticated with the access tokens of a {@link ServerClient}.
 *
 * <ul>
 *   <li>{@code append}: {@code POST /v1/collections/{c}/logs?expectedHead=N}, with {@code
 *       &fencing=F} on a {@link #withLease lease view}; retried after a lost answer, since an
 *       append is idempotent by log id (a retry that finds its own log answers {@code
 *       Appended(sequence, duplicate = true)}).
 *   <li>{@code list}, {@code read}, {@code head}: {@code GET}s, retried.
 *   <li>{@code missingChunks}: {@code POST /v1/chunks/missing} in batches of at most 10,000 ids.
 *   <li>{@code putPack}: the chunks are checked against their ids, written into one pack ({@link
 *       PackWriter}, in memory) and uploaded whole or, when big, resumably in parts.
 *   <li>{@code readChunk}: located, fetched with a ranged {@code GET} of its pack, decoded and
 *       verified; locations are cached, and reads in pack order fetch ahead.
 * </ul>
 *
 * <p>Collection names may hold any character the format allows ({@code /}, spaces, Unicode): they
 * are percent-encoded in URLs. Errors follow the {@link LogStore} contract: {@link StoreException}
 * and its subclasses for the server's refusals ({@link AuthenticationException} when the device was
 * revoked, {@link LeaseLostException} when a fenced append comes too late), plain {@link
 * IOException} (such as {@link ServerUnreachableException}) for connection failures that remained
 * after the retries. Thread-safe. {@link #close()} drops caches and stops the chunk read-ahead only
 * (the store stays usable): the {@link ServerClient} owns the connections.
 */
public final class HttpLogStore implements LogStore {
  /** Ids per {@code missing} request: the server's limit. */
  static final int MAX_IDS_PER_REQUEST = 10_000;

  /** Logs per {@code list} request: the server's limit. */
  static final int MAX_LOGS_PER_REQUEST = 1000;

  private static final HexFormat HEX = HexFormat.of();

  private final Transport transport;
  private final AccessTokenCache access;
  private final String user;
  private final URI storage;
  private final ChunkReader chunks;
  private final PackUpload uploads;
  private final @Nullable Lease lease;

  private HttpLogStore(
      Transport transport,
      AccessTokenCache access,
      String user,
      URI storage,
      ChunkReader chunks,
      @Nullable Lease lease) {
    this.transport = transport;
    this.access = access;
    this.user = user;
    this.storage = storage;
    this.chunks = chunks;
    this.uploads = new PackUpload(transport, access, storage);
    this.lease = lease;
  }

  /**
   * Opens the store of the client's device's user, at the storage URL the management role names
   * ({@code GET /v1/location}).
   *
   * @throws IllegalStateException when the client has no device token
   * @throws AuthenticationException when the device token is not valid or was revoked
   * @throws ServerUnreachableException when the server cannot be reached
   */
  public static HttpLogStore open(ServerClient client) throws IOException {
    Location location = client.location();
    Transport transport = client.transport();
    AccessTokenCache access = client.tokens();
    return new HttpLogStore(
        transport,
        access,
        location.user(),
        location.storage(),
        new ChunkReader(transport, access, location.storage()),
        null);
  }

  /** The user whose logs and content this store holds. */
  public String user() {
    return user;
  }

  /** The storage role's URL. */
  public URI storage() {
    return storage;
  }

  /**
   * A view of this store whose appends to the lease's collection carry its fencing number, so the
   * server refuses them ({@link LeaseLostException}) once the lease has ended or been replaced.
   * Appends to other collections are sent as by this store. The view shares this store's caches.
   */
  public HttpLogStore withLease(Lease newLease) {
    return new HttpLogStore(transport, access, user, storage, chunks, newLease);
  }

  @Override
  public long head(String collection) throws IOException {
    return transport.call(
        Call.get(collectionUri(collection, "/head"), "read the head of " + named(collection))
            .auth(access),
        response -> Json.number(response.json(), "head"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws LeaseLostException on a lease view, when the lease has ended or was replaced; or when
   *     another device holds the collection's lease
   */
  @Override
  public AppendResult append(String collection, long expectedHead, byte[] encodedLog)
      throws IOException {
    if (expectedHead < 0) {
      throw new IllegalArgumentException("expectedHead must not be negative: " + expectedHead);
    }
    String query = "?expectedHead=" + expectedHead;
    Lease current = lease;
    if (current != null && current.collection().equals(collection)) {
      query += "&fencing=" + current.fencing();
    }
    Call call =
        Call.post(
                collectionUri(collection, "/logs" + query), "append a log to " + named(collection))
            .auth(access)
            .body(encodedLog, FormatInfo.MEDIA_TYPE)
            .idempotent() // by log id
            .accept(400, 409, 413);
    return transport.call(
        call,
        response -> {
          int status = response.status();
          if (status == 400 || status == 413) {
            Problems.Problem problem = Problems.read(response);
            throw new StoreException.Rejected(
                "the server refused the log for "
                    + named(collection)
                    + ": "
                    + problem.detail()
                    + " (HTTP "
                    + status
                    + ")");
          }
          if (status == 409) {
            Problems.Problem problem = Problems.read(response);
            long head = problem.number("head", -1);
            if (problem.type().equals("head-moved") && head >= 0) {
              return new AppendResult.HeadMoved(head);
            }
            throw Problems.exception(call, problem);
          }
          JsonNode answer = response.json();
          return new AppendResult.Appended(
              Json.number(answer, "sequence"), Json.bool(answer, "duplicate"));
        });
  }

  @Override
  public List<LogEntry> list(String collection, long after, int max) throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    long from = after;
    while (entries.size() < max) {
      int page = Math.min(MAX_LOGS_PER_REQUEST, max - entries.size());
      List<LogEntry> got = listPage(collection, from, page);
      entries.addAll(got);
      if (got.size() < page) {
        break;
      }
      from = got.get(got.size() - 1).sequence();
    }
    return List.copyOf(entries);
  }

  private List<LogEntry> listPage(String collection, long after, int max) throws IOException {
    Call call =
        Call.get(
                collectionUri(collection, "/logs?after=" + after + "&max=" + max),
                "list the logs of " + named(collection))
            .auth(access);
    return transport.call(
        call,
        response -> {
          List<LogEntry> page = new ArrayList<>();
          long previous = after;
          for (JsonNode log : Json.array(response.json(), "logs")) {
            long sequence = Json.number(log, "sequence");
            byte[] logId;
            try {
              logId = HEX.parseHex(Json.text(log, "logId"));
            } catch (IllegalArgumentException e) {
              logId = new byte[0];
            }
            if (sequence <= previous || logId.length != FormatLimits.LOG_ID_BYTES) {
              throw new StoreException(
                  "the server listed the logs of " + named(collection) + " out of order");
            }
            previous = sequence;
            page.add(
                new LogEntry(
                    sequence,
                    ByteString.copyFrom(logId),
                    Json.text(log, "device"),
                    Json.number(log, "createdMillis"),
                    Json.number(log, "size")));
            if (page.size() > max) {
              throw new StoreException("the server listed more logs than asked");
            }
          }
          return page;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The log is streamed into one array of the size the server declares, and its header's
   * declared length is checked.
   */
  @Override
  public byte[] read(String collection, long sequence) throws IOException {
    Call call =
        Call.get(
                collectionUri(collection, "/logs/" + sequence),
                "read log " + sequence + " of " + named(collection))
            .auth(access)
            .accept(404);
    byte[] log =
        transport.call(
            call,
            response -> {
              if (response.status() == 404) {
                throw new StoreException.NotFound(
                    named(collection) + " has no log " + sequence + " on the server");
              }
              return response.bytes(Integer.MAX_VALUE - 8);
            });
    try {
      LogEnvelope envelope = LogEnvelope.read(new ByteArrayInputStream(log));
      if (envelope.declaredSize() != log.length) {
        throw new StoreException.Corrupt(
            "log "
                + sequence
                + " of "
                + named(collection)
                + " has "
                + log.length
                + " bytes but its header declares "
                + envelope.declaredSize());
      }
    } catch (ChangeLogFormatException e) {
      throw new StoreException.Corrupt(
          "log " + sequence + " of " + named(collection) + " is damaged: " + e.getMessage(), e);
    }
    return log;
  }

  @Override
  public Set<ChunkId> missingChunks(Collection<ChunkId> ids) throws IOException {
    List<ChunkId> unique = new ArrayList<>(new LinkedHashSet<>(ids));
    Set<ChunkId> missing = new LinkedHashSet<>();
    for (int from = 0; from < unique.size(); from += MAX_IDS_PER_REQUEST) {
      List<ChunkId> batch =
          unique.subList(from, Math.min(unique.size(), from + MAX_IDS_PER_REQUEST));
      Set<ChunkId> asked = Set.copyOf(batch);
      List<String> hex = batch.stream().map(ChunkId::toHex).toList();
      Call call =
          Call.post(
                  uri("/v1/chunks/missing"), "ask which of " + batch.size() + " chunks are missing")
              .auth(access)
              .json(Map.of("ids", hex))
              .idempotent();
      transport.send(
          call,
          response -> {
            for (JsonNode id : Json.array(response.json(), "missing")) {
              ChunkId chunk;
              try {
                chunk = ChunkId.parse(id.asText());
              } catch (IllegalArgumentException e) {
                throw new StoreException("the server named a chunk id that is not valid");
              }
              if (asked.contains(chunk)) {
                missing.add(chunk);
              }
            }
          });
    }
    return missing;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The pack is built in memory (callers send a few MiB per call); chunks listed twice are sent
   * once. The server checks every chunk against its id and refuses the pack otherwise ({@link
   * StoreException.Rejected}, naming the chunk); the chunks are not hashed again here.
   */
  @Override
  public void putPack(List<StoredChunk> pack) throws IOException {
    Map<ChunkId, byte[]> unique = new LinkedHashMap<>();
    for (StoredChunk chunk : pack) {
      unique.putIfAbsent(chunk.id(), chunk.data());
    }
    if (unique.isEmpty()) {
      return;
    }
    long raw = 0;
    for (byte[] data : unique.values()) {
      raw += data.length;
    }
    long most = PackWriter.maxBytes(unique.size(), raw);
    if (most > PackBytes.MAX) {
      throw new StoreException.Rejected(
          "a pack of up to "
              + most
              + " bytes is too large to upload in one piece; send at most "
              + PackBytes.MAX
              + " bytes per pack");
    }
    PackBytes bytes = new PackBytes(most);
    PackWriter writer = new PackWriter(bytes);
    for (Map.Entry<ChunkId, byte[]> chunk : unique.entrySet()) {
      try {
        writer.add(chunk.getKey().toByteString(), chunk.getValue());
      } catch (IllegalArgumentException e) {
        throw new StoreException.Rejected(
            "chunk " + chunk.getKey() + " cannot be stored: " + e.getMessage(), e);
      }
    }
    writer.finish();
    uploads.upload(bytes.pack(), unique.keySet(), this::missingChunks);
  }

  @Override
  public byte[] readChunk(ChunkId id) throws IOException {
    return chunks.read(id);
  }

  /**
   * Drops the cached chunk locations and stops the thread that reads chunks ahead. The {@link
   * ServerClient} keeps its connections.
   */
  @Override
  public void close() {
    chunks.close();
  }

  @Override
  public String toString() {
    return "HttpLogStore[user=" + user + ", storage=" + Urls.origin(storage) + "]";
  }

  /**
   * A pack's bytes in one array of the most it can take, not grown by copies: a pack of content
   * that does not compress fills it exactly, and is handed on without a copy.
   */
  private static final class PackBytes extends ByteArrayOutputStream {
    static final int MAX = Integer.MAX_VALUE - 8;

    PackBytes(long capacity) {
      super((int) capacity);
    }

    byte[] pack() {
      return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }
  }

  private URI collectionUri(String collection, String rest) {
    return uri("/v1/collections/" + Urls.segment(collection) + rest);
  }

  private URI uri(String rawPath) {
    return Urls.resolve(storage, rawPath);
  }

  private static String named(String collection) {
    return "collection \"" + collection + "\"";
  }
}
