package dev.deltasync.engine.store;

import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.LogHeader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/** Valid encoded change logs for store tests. */
final class TestLogs {
  static final String USER = "alice";

  private TestLogs() {}

  /** A 16-byte log id made of two numbers, so tests can name logs (writer, index). */
  static ByteString id(long writer, long index) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(writer).putLong(index).array());
  }

  static LogHeader.Builder header(String user, String collection, ByteString logId) {
    return LogHeader.newBuilder()
        .setUser(user)
        .setCollection(collection)
        .setOriginDevice("laptop")
        .setLogId(logId)
        .setCreatedMillis(1_795_000_000_000L);
  }

  /** An empty log of {@link #USER}. */
  static byte[] log(String collection, ByteString logId) throws ChangeLogFormatException {
    return log(USER, collection, logId);
  }

  static byte[] log(String user, String collection, ByteString logId)
      throws ChangeLogFormatException {
    return ChangeLogWriter.encode(
        new ChangeLog(header(user, collection, logId).build(), List.of(), List.of()));
  }

  /** A log carrying one random chunk of up to 64 KiB in its pack section. */
  static byte[] logWithContent(String collection, ByteString logId, Random random)
      throws ChangeLogFormatException {
    byte[] data = new byte[1 + random.nextInt(64 * 1024)];
    random.nextBytes(data);
    Chunk chunk =
        Chunk.newBuilder()
            .setId(ChunkId.sha256(data).toByteString())
            .setData(ByteString.copyFrom(data))
            .build();
    LogHeader header =
        header(USER, collection, logId).setOriginDevice("phone-" + random.nextInt(100)).build();
    return ChangeLogWriter.encode(new ChangeLog(header, List.of(), List.of(chunk)));
  }
}
