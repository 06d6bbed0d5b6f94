package dev.deltasync.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.FormatInfo;
import dev.deltasync.format.FormatLimits;
import dev.deltasync.format.LogEnvelope;
import dev.deltasync.format.PackFormatException;
import dev.deltasync.format.PackLayout;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.server.backend.AppendOutcome;
import dev.deltasync.server.backend.AppendRequest;
import dev.deltasync.server.backend.BlobStore;
import dev.deltasync.server.backend.ChunkLocation;
import dev.deltasync.server.backend.LogRecord;
import dev.deltasync.server.backend.MetadataBackend;
import dev.deltasync.server.backend.PackRecord;
import dev.deltasync.server.backend.SnapshotRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * The storage role: change logs, chunks, packs (whole or resumable uploads, ranged downloads) and
 * snapshots of the access token's user. Everything is looked up within that user, so another user's
 * collection, log, pack or upload answers exactly like one that does not exist (404).
 * docs/protocol.md describes every route.
 */
final class StorageRoutes {
  /** Logs up to this size are kept in the database, bigger ones as blobs. */
  static final int INLINE_LOG_BYTES = 256 * 1024;

  static final int MAX_IDS = 10_000;
  static final int MAX_LIST = 1000;
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  /** Size limits for bodies. */
  record Limits(long maxLogBytes, long maxPackBytes, long maxSnapshotBytes) {}

  private final MetadataBackend metadata;
  private final BlobStore blobs;
  private final Authenticator auth;
  private final ServerMetrics metrics;
  private final LongSupplier clock;
  private final Limits limits;

  StorageRoutes(
      MetadataBackend metadata,
      BlobStore blobs,
      Authenticator auth,
      ServerMetrics metrics,
      LongSupplier clock,
      Limits limits) {
    this.metadata = metadata;
    this.blobs = blobs;
    this.auth = auth;
    this.metrics = metrics;
    this.clock = clock;
    this.limits = limits;
  }

  /** Handles the request when it is a storage route; false when it is not one. */
  boolean handle(Exchange x) throws Problem, IOException {
    List<String> s = x.segments;
    if (s.size() < 2 || !s.get(0).equals("v1")) {
      return false;
    }
    switch (s.get(1)) {
      case "collections" -> {
        if (s.size() < 4) {
          return false;
        }
        String collection = Names.collection(s.get(2));
        String what = s.get(3);
        if (what.equals("head") && s.size() == 4) {
          x.route = "/v1/collections/{c}/head";
          x.requireMethod("GET");
          head(x, collection);
        } else if (what.equals("logs") && s.size() == 4) {
          x.route = "/v1/collections/{c}/logs";
          x.requireMethod("GET", "POST");
          if (x.method.equals("POST")) {
            append(x, collection);
          } else {
            listLogs(x, collection);
          }
        } else if (what.equals("logs") && s.size() == 5) {
          x.route = "/v1/collections/{c}/logs/{sequence}";
          x.requireMethod("GET");
          readLog(x, collection, s.get(4));
        } else if (what.equals("snapshots") && s.size() == 5) {
          x.route = "/v1/collections/{c}/snapshots/{sequence}";
          if (s.get(4).equals("latest")) {
            x.route = "/v1/collections/{c}/snapshots/latest";
            x.requireMethod("GET");
            latestSnapshot(x, collection);
          } else {
            x.requireMethod("PUT");
            putSnapshot(x, collection, s.get(4));
          }
        } else {
          return false;
        }
      }
      case "chunks" -> {
        if (s.size() != 3) {
          return false;
        }
        if (s.get(2).equals("missing")) {
          x.route = "/v1/chunks/missing";
          x.requireMethod("POST");
          missingChunks(x);
        } else if (s.get(2).equals("locate")) {
          x.route = "/v1/chunks/locate";
          x.requireMethod("POST");
          locateChunks(x);
        } else {
          return false;
        }
      }
      case "packs" -> {
        if (s.size() == 2) {
          x.route = "/v1/packs";
          x.requireMethod("POST");
          uploadPack(x);
        } else if (s.size() == 3) {
          x.route = "/v1/packs/{pack}";
          x.requireMethod("GET", "HEAD");
          downloadPack(x, s.get(2));
        } else {
          return false;
        }
      }
      case "uploads" -> {
        if (s.size() == 2) {
          x.route = "/v1/uploads";
          x.requireMethod("POST");
          startUpload(x);
        } else if (s.size() == 3) {
          x.route = "/v1/uploads/{upload}";
          x.requireMethod("HEAD", "PATCH", "DELETE");
          switch (x.method) {
            case "HEAD" -> uploadOffset(x, s.get(2));
            case "PATCH" -> continueUpload(x, s.get(2));
            default -> cancelUpload(x, s.get(2));
          }
        } else if (s.size() == 4 && s.get(3).equals("finish")) {
          x.route = "/v1/uploads/{upload}/finish";
          x.requireMethod("POST");
          finishUpload(x, s.get(2));
        } else {
          return false;
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private AccessTokens.Grant grant(Exchange x, @Nullable String collection)
      throws Problem, IOException {
    AccessTokens.Grant grant = auth.access(x);
    if (collection != null && !grant.allows(collection)) {
      throw Problem.forbidden(
          "this access token is for collection \""
              + grant.scope()
              + "\"; get one for this collection");
    }
    return grant;
  }

  // ---- logs ----

  private void head(Exchange x, String collection) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, collection);
    x.json(200, Map.of("head", metadata.head(grant.userId(), collection)));
  }

  private void append(Exchange x, String collection) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, collection);
    long expectedHead = x.queryLong("expectedHead", -1, 0, Long.MAX_VALUE);
    if (expectedHead < 0) {
      throw Problem.badRequest("give the head the log is based on: ?expectedHead=N");
    }
    String fencingParam = x.query("fencing");
    Long fencing = fencingParam == null ? null : x.queryLong("fencing", 0, 1, Long.MAX_VALUE);
    String type = x.header("Content-Type");
    if (type != null
        && !type.startsWith(FormatInfo.MEDIA_TYPE)
        && !type.startsWith("application/octet-stream")) {
      throw Problem.unsupportedMediaType("send the change log as " + FormatInfo.MEDIA_TYPE);
    }
    byte[] inline = null;
    String blob = null;
    long size;
    LogEnvelope envelope;
    MessageDigest digest = sha256();
    try (InputStream body = new DigestInputStream(x.body(limits.maxLogBytes()), digest)) {
      byte[] head = body.readNBytes(INLINE_LOG_BYTES + 1);
      if (head.length <= INLINE_LOG_BYTES) {
        inline = head;
        size = head.length;
        envelope = envelope(new ByteArrayInputStream(head));
      } else {
        blob = "logs/u" + grant.userId() + "/" + HEX.formatHex(Secrets.randomBytes(16)) + ".dslog";
        size =
            blobs.publish(
                blob,
                new SequenceInputStream(new ByteArrayInputStream(head), body),
                limits.maxLogBytes());
        try (InputStream stored = blobs.open(blob, 0)) {
          envelope = envelope(stored);
        }
      }
    } catch (Exchange.BodyTooLarge | BlobStore.TooLarge e) {
      deleteQuietly(blob);
      metrics.appends.labelValues("invalid").inc();
      throw Problem.tooLarge("a change log has at most " + limits.maxLogBytes() + " bytes here");
    } catch (Problem e) {
      deleteQuietly(blob);
      metrics.appends.labelValues("invalid").inc();
      throw e;
    }
    boolean keep = false;
    try {
      LogHeader header = envelope.header();
      checkHeader(header, grant.user(), collection, envelope.declaredSize(), size);
      AppendOutcome outcome =
          metadata.append(
              new AppendRequest(
                  grant.userId(),
                  collection,
                  grant.deviceId(),
                  expectedHead,
                  fencing,
                  header.getLogId(),
                  header.getOriginDevice(),
                  header.getCreatedMillis(),
                  size,
                  ByteString.copyFrom(digest.digest()),
                  inline,
                  blob));
      switch (outcome) {
        case AppendOutcome.Appended appended -> {
          keep = !appended.duplicate();
          metrics.appends.labelValues(appended.duplicate() ? "duplicate" : "appended").inc();
          x.response
              .getHeaders()
              .put(
                  HttpHeader.LOCATION,
                  "/v1/collections/" + pathSegment(collection) + "/logs/" + appended.sequence());
          x.json(
              appended.duplicate() ? 200 : 201,
              Map.of("sequence", appended.sequence(), "duplicate", appended.duplicate()));
        }
        case AppendOutcome.HeadMoved moved -> {
          metrics.appends.labelValues("head_moved").inc();
          throw Problem.conflict(
                  "head-moved",
                  "Head moved",
                  "the collection's head is "
                      + moved.head()
                      + ", not "
                      + expectedHead
                      + "; read the new logs, then append again")
              .with("head", moved.head());
        }
        case AppendOutcome.IdReused reused -> {
          metrics.appends.labelValues("invalid").inc();
          throw Problem.conflict(
                  "log-id-reused",
                  "Log id reused",
                  "the collection has another log with this log id, at sequence "
                      + reused.sequence()
                      + "; a new log needs a new random id")
              .with("sequence", reused.sequence());
        }
        case AppendOutcome.Fenced fenced -> {
          metrics.appends.labelValues("fenced").inc();
          throw Problem.conflict("lease-fenced", "Lease check failed", fenced.reason());
        }
      }
    } finally {
      if (!keep) {
        deleteQuietly(blob);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A name as one percent-encoded path segment. */
  static String pathSegment(String name) {
    return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static LogEnvelope envelope(InputStream in) throws Problem, IOException {
    try {
      return LogEnvelope.read(in);
    } catch (ChangeLogFormatException e) {
      throw Problem.invalidLog("the change log is not valid: " + e.getMessage());
    }
  }

  private void checkHeader(
      LogHeader header, String user, String collection, long declared, long size) throws Problem {
    if (!header.getUser().equals(user)) {
      metrics.appends.labelValues("invalid").inc();
      throw Problem.invalidLog(
          "the change log's header names another user; a device writes only its own user's logs");
    }
    if (!header.getCollection().equals(collection)) {
      metrics.appends.labelValues("invalid").inc();
      throw Problem.invalidLog(
          "the change log's header names collection \""
              + header.getCollection()
              + "\", not \""
              + collection
              + "\"");
    }
    if (header.getLogId().size() != FormatLimits.LOG_ID_BYTES) {
      metrics.appends.labelValues("invalid").inc();
      throw Problem.invalidLog(
          "the change log's id is not " + FormatLimits.LOG_ID_BYTES + " bytes");
    }
    if (declared != size) {
      metrics.appends.labelValues("invalid").inc();
      throw Problem.invalidLog(
          "the change log has "
              + size
              + " bytes but its header declares "
              + declared
              + ": it is truncated or has bytes after its end");
    }
  }

  private void listLogs(Exchange x, String collection) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, collection);
    long after = x.queryLong("after", 0, 0, Long.MAX_VALUE);
    int max = (int) x.queryLong("max", MAX_LIST, 1, MAX_LIST);
    List<Map<String, Object>> logs = new ArrayList<>();
    for (LogRecord log : metadata.logs(grant.userId(), collection, after, max)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("sequence", log.sequence());
      entry.put("logId", HEX.formatHex(log.logId().toByteArray()));
      entry.put("device", log.device());
      entry.put("createdMillis", log.createdMillis());
      entry.put("size", log.size());
      logs.add(entry);
    }
    x.json(200, Map.of("logs", logs, "head", metadata.head(grant.userId(), collection)));
  }

  private void readLog(Exchange x, String collection, String sequenceText)
      throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, collection);
    long sequence;
    try {
      sequence = Long.parseLong(sequenceText);
    } catch (NumberFormatException e) {
      throw Problem.notFound("no log \"" + sequenceText + "\": sequences are whole numbers");
    }
    Optional<LogRecord> found = metadata.log(grant.userId(), collection, sequence);
    if (found.isEmpty()) {
      throw Problem.notFound("collection \"" + collection + "\" has no log " + sequence);
    }
    LogRecord log = found.get();
    x.response.getHeaders().put("Deltasync-Sequence", String.valueOf(sequence));
    byte[] inline = log.inline();
    if (inline != null) {
      x.bytes(200, FormatInfo.MEDIA_TYPE, inline);
      return;
    }
    try (InputStream in = blobs.open(java.util.Objects.requireNonNull(log.blob()), 0);
        OutputStream out = x.stream(200, FormatInfo.MEDIA_TYPE, log.size())) {
      in.transferTo(out);
    }
  }

  // ---- chunks and packs ----

  private List<ByteString> ids(Exchange x) throws Problem, IOException {
    JsonNode body = Json.object(x.bodyBytes(MAX_IDS * 70 + 1024));
    JsonNode ids = body.get("ids");
    if (ids == null || !ids.isArray()) {
      throw Problem.badRequest("the body needs \"ids\": an array of chunk ids (64 hex digits)");
    }
    if (ids.size() > MAX_IDS) {
      throw Problem.badRequest("at most " + MAX_IDS + " ids per request, not " + ids.size());
    }
    List<ByteString> parsed = new ArrayList<>(ids.size());
    for (JsonNode id : ids) {
      String text = id.asText();
      if (!id.isTextual() || text.length() != 64) {
        throw Problem.badRequest("a chunk id is 64 hex digits (its SHA-256)");
      }
      try {
        parsed.add(ByteString.copyFrom(HEX.parseHex(text)));
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest("a chunk id is 64 hex digits (its SHA-256)");
      }
    }
    return parsed;
  }

  private void missingChunks(Exchange x) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    List<String> missing = new ArrayList<>();
    for (ByteString id : metadata.missingChunks(grant.userId(), ids(x))) {
      missing.add(HEX.formatHex(id.toByteArray()));
    }
    x.json(200, Map.of("missing", missing));
  }

  private void locateChunks(Exchange x) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    List<Map<String, Object>> chunks = new ArrayList<>();
    for (ChunkLocation chunk : metadata.locateChunks(grant.userId(), ids(x))) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", HEX.formatHex(chunk.id().toByteArray()));
      entry.put("pack", chunk.pack());
      entry.put("codec", chunk.codec());
      entry.put("rawLength", chunk.rawLength());
      entry.put("storedLength", chunk.storedLength());
      entry.put("offset", chunk.offset());
      chunks.add(entry);
    }
    x.json(200, Map.of("chunks", chunks));
  }

  private void uploadPack(Exchange x) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    String staging = "u" + grant.userId() + "-" + HEX.formatHex(Secrets.randomBytes(16));
    try {
      try (InputStream body = x.body(limits.maxPackBytes())) {
        blobs.appendStaged(staging, 0, body, limits.maxPackBytes());
      } catch (Exchange.BodyTooLarge | BlobStore.TooLarge e) {
        throw Problem.tooLarge(
            "a pack has at most " + limits.maxPackBytes() + " bytes here; send smaller packs");
      }
      publishPack(x, grant.userId(), staging);
    } finally {
      blobs.discardStaged(staging);
    }
  }

  /** Verifies a staged pack (index and every chunk), publishes it and indexes its chunks. */
  private void publishPack(Exchange x, long userId, String staging) throws Problem, IOException {
    List<ChunkLocation> chunks = new ArrayList<>();
    String pack = HEX.formatHex(Secrets.randomBytes(16));
    long size;
    try (SeekableByteChannel channel = blobs.openStaged(staging)) {
      size = channel.size();
      List<PackLayout.Entry> entries = PackLayout.readIndex(channel);
      for (PackLayout.Entry entry : entries) {
        byte[] stored = new byte[entry.storedLength()];
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        channel.position(entry.offset());
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
          // reading the chunk
        }
        PackLayout.decodeChunk(entry, stored); // hash and bounded decompression
        chunks.add(
            new ChunkLocation(
                entry.id(),
                pack,
                entry.codec(),
                entry.rawLength(),
                entry.storedLength(),
                entry.offset()));
      }
    } catch (PackFormatException e) {
      throw Problem.invalidPack("the pack is not valid: " + e.getMessage());
    }
    String blob = "packs/u" + userId + "/" + pack + ".dspack";
    try {
      blobs.promote(staging, blob);
    } catch (IllegalArgumentException e) {
      throw Problem.conflict(
          "upload-offset",
          "Upload still being written",
          "a PATCH to this upload is still running; finish it after that PATCH ends");
    }
    int added = metadata.addPack(userId, new PackRecord(pack, blob, size), chunks);
    x.response.getHeaders().put(HttpHeader.LOCATION, "/v1/packs/" + pack);
    x.json(201, Map.of("pack", pack, "size", size, "chunks", chunks.size(), "newChunks", added));
  }

  private void downloadPack(Exchange x, String packId) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    Optional<PackRecord> found =
        ID.matcher(packId).matches() ? metadata.pack(grant.userId(), packId) : Optional.empty();
    if (found.isEmpty()) {
      throw Problem.notFound("no pack \"" + packId + "\"");
    }
    PackRecord pack = found.get();
    long size = pack.size();
    long start = 0;
    long end = size - 1;
    int status = 200;
    String range = x.header("Range");
    // One bytes range is served as such; anything else (several ranges, another unit, a malformed
    // header) is ignored and the whole pack sent, as RFC 9110 allows.
    Matcher m = RANGE.matcher(range == null ? "" : range.strip());
    if (m.matches()
        && !(m.group(1).isEmpty() && m.group(2).isEmpty())
        && (m.group(1).isEmpty()
            || m.group(2).isEmpty()
            || Long.parseLong(m.group(1)) <= Long.parseLong(m.group(2)))) {
      if (m.group(1).isEmpty()) { // the last N bytes
        start = Math.max(0, size - Long.parseLong(m.group(2)));
      } else {
        start = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          end = Math.min(end, Long.parseLong(m.group(2)));
        }
      }
      if (start >= size || start > end) {
        // A problem answer resets the headers set so far: the problem carries its own.
        throw Problem.rangeNotSatisfiable("the pack has " + size + " bytes")
            .withHeader(HttpHeader.CONTENT_RANGE.asString(), "bytes */" + size);
      }
      status = 206;
      x.response
          .getHeaders()
          .put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
    }
    x.response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
    long length = end - start + 1;
    if (x.method.equals("HEAD")) {
      x.response.setStatus(status);
      x.response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
      return;
    }
    try (InputStream in = blobs.open(pack.blob(), start);
        OutputStream out = x.stream(status, "application/vnd.deltasync.pack", length)) {
      byte[] buffer = new byte[1 << 17];
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("pack " + packId + " is shorter than recorded");
        }
        out.write(buffer, 0, n);
        left -= n;
      }
    }
  }

  // ---- resumable uploads ----

  private void startUpload(Exchange x) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    String upload = HEX.formatHex(Secrets.randomBytes(16));
    String staging = "u" + grant.userId() + "-upload-" + upload;
    metadata.createUpload(grant.userId(), upload, staging, clock.getAsLong());
    x.response.getHeaders().put(HttpHeader.LOCATION, "/v1/uploads/" + upload);
    x.response.getHeaders().put("Upload-Offset", "0");
    x.json(201, Map.of("upload", upload, "offset", 0));
  }

  private String staging(AccessTokens.Grant grant, String upload) throws Problem, IOException {
    Optional<String> staging =
        ID.matcher(upload).matches() ? metadata.upload(grant.userId(), upload) : Optional.empty();
    if (staging.isEmpty()) {
      throw Problem.notFound("no upload \"" + upload + "\"; start one with POST /v1/uploads");
    }
    return staging.get();
  }

  private void uploadOffset(Exchange x, String upload) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    long offset = blobs.stagedSize(staging(grant, upload));
    x.response.getHeaders().put("Upload-Offset", String.valueOf(offset));
    x.response.getHeaders().put("Cache-Control", "no-store");
    x.response.setStatus(200);
  }

  private void continueUpload(Exchange x, String upload) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    String staging = staging(grant, upload);
    String offsetHeader = x.header("Upload-Offset");
    long offset;
    try {
      offset = Long.parseLong(offsetHeader == null ? "" : offsetHeader.strip());
    } catch (NumberFormatException e) {
      throw Problem.badRequest("give the offset the bytes start at: Upload-Offset: N");
    }
    long current = blobs.stagedSize(staging);
    if (offset != current) {
      throw Problem.conflict(
              "upload-offset",
              "Wrong upload offset",
              "the upload has " + current + " bytes; send the rest from offset " + current)
          .with("offset", current);
    }
    long size;
    try (InputStream body = x.body(limits.maxPackBytes() - current)) {
      size = blobs.appendStaged(staging, offset, body, limits.maxPackBytes());
    } catch (Exchange.BodyTooLarge | BlobStore.TooLarge e) {
      throw Problem.tooLarge("a pack has at most " + limits.maxPackBytes() + " bytes here");
    } catch (IllegalArgumentException e) {
      throw Problem.conflict(
              "upload-offset", "Wrong upload offset", "another request moved the upload's offset")
          .with("offset", blobs.stagedSize(staging));
    }
    x.response.getHeaders().put("Upload-Offset", String.valueOf(size));
    x.noContent();
  }

  private void cancelUpload(Exchange x, String upload) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    String staging = staging(grant, upload);
    metadata.deleteUpload(grant.userId(), upload);
    blobs.discardStaged(staging);
    x.noContent();
  }

  private void finishUpload(Exchange x, String upload) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, null);
    String staging = staging(grant, upload);
    if (blobs.stagedSize(staging) == 0) {
      throw Problem.invalidPack("the upload is empty; send its bytes with PATCH first");
    }
    publishPack(x, grant.userId(), staging);
    metadata.deleteUpload(grant.userId(), upload);
  }

  // ---- snapshots ----

  private void putSnapshot(Exchange x, String collection, String sequenceText)
      throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, collection);
    long sequence;
    try {
      sequence = Long.parseLong(sequenceText);
    } catch (NumberFormatException e) {
      throw Problem.badRequest("a snapshot is named by the log sequence it covers, a whole number");
    }
    long head = metadata.head(grant.userId(), collection);
    if (sequence < 1 || sequence > head) {
      throw Problem.badRequest(
          "a snapshot covers a log the collection has: 1.." + head + ", not " + sequence);
    }
    String blob =
        "snapshots/u" + grant.userId() + "/" + HEX.formatHex(Secrets.randomBytes(16)) + ".snap";
    long size;
    try (InputStream body = x.body(limits.maxSnapshotBytes())) {
      size = blobs.publish(blob, body, limits.maxSnapshotBytes());
    } catch (Exchange.BodyTooLarge | BlobStore.TooLarge e) {
      deleteQuietly(blob);
      throw Problem.tooLarge("a snapshot has at most " + limits.maxSnapshotBytes() + " bytes here");
    }
    String device = metadata.device(grant.deviceId()).map(d -> d.name()).orElse("");
    metadata
        .putSnapshot(grant.userId(), collection, new SnapshotRecord(sequence, blob, size, device))
        .ifPresent(this::deleteQuietly); // the one it replaced; its blob is referenced no more
    x.json(201, Map.of("sequence", sequence, "size", size));
  }

  private void latestSnapshot(Exchange x, String collection) throws Problem, IOException {
    AccessTokens.Grant grant = grant(x, collection);
    Optional<SnapshotRecord> found = metadata.latestSnapshot(grant.userId(), collection);
    if (found.isEmpty()) {
      throw Problem.notFound("collection \"" + collection + "\" has no snapshot");
    }
    SnapshotRecord snapshot = found.get();
    x.response.getHeaders().put("Deltasync-Sequence", String.valueOf(snapshot.sequence()));
    try (InputStream in = blobs.open(snapshot.blob(), 0);
        OutputStream out = x.stream(200, "application/octet-stream", snapshot.size())) {
      in.transferTo(out);
    }
  }

  private void deleteQuietly(@Nullable String blob) {
    if (blob == null) {
      return;
    }
    try {
      blobs.delete(blob);
    } catch (IOException e) {
      // an unreferenced blob is harmless: nothing points to it
    }
  }
}
