package dev.deltasync.client;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoredChunk;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.LogHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Valid encoded change logs and chunks for tests. */
final class TestLogs {
  private static final Random RANDOM = new Random();

  private TestLogs() {}

  static ByteString newLogId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** An empty log of {@code user} for {@code collection}. */
  static byte[] log(String user, String collection) throws ChangeLogFormatException {
    return log(user, collection, newLogId());
  }

  static byte[] log(String user, String collection, ByteString logId)
      throws ChangeLogFormatException {
    return ChangeLogWriter.encode(
        new ChangeLog(header(user, collection, logId), List.of(), List.of()));
  }

  /** A log whose pack section carries {@code bytes} of random content (to make big logs). */
  static byte[] bigLog(String user, String collection, int bytes) throws ChangeLogFormatException {
    byte[] data = randomBytes(bytes);
    Chunk chunk =
        Chunk.newBuilder()
            .setId(ChunkId.sha256(data).toByteString())
            .setData(ByteString.copyFrom(data))
            .build();
    return ChangeLogWriter.encode(
        new ChangeLog(header(user, collection, newLogId()), List.of(), List.of(chunk)));
  }

  private static LogHeader header(String user, String collection, ByteString logId) {
    return LogHeader.newBuilder()
        .setUser(user)
        .setCollection(collection)
        .setOriginDevice("laptop")
        .setLogId(logId)
        .setCreatedMillis(1_795_000_000_000L)
        .build();
  }

  static byte[] randomBytes(int n) {
    byte[] data = new byte[n];
    RANDOM.nextBytes(data);
    return data;
  }

  /** {@code count} chunks of random sizes from {@code min} to {@code max} bytes. */
  static List<StoredChunk> chunks(int count, int min, int max) {
    List<StoredChunk> chunks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] data = randomBytes(min + RANDOM.nextInt(max - min + 1));
      chunks.add(new StoredChunk(ChunkId.sha256(data), data));
    }
    return chunks;
  }

  /** A chunk that compresses well (zstd), so its stored form differs from its raw form. */
  static StoredChunk compressibleChunk(int n) {
    byte[] data = new byte[n];
    for (int i = 0; i < n; i++) {
      data[i] = (byte) ("abcdefgh".charAt(i % 8) + (i / 4096 % 3));
    }
    return new StoredChunk(ChunkId.sha256(data), data);
  }
}
