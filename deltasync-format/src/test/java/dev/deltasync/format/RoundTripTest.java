package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random logs survive binary and JSON round trips exactly. Each seed makes a batch of logs;
 * the failing seed is in the test name. More seeds: {@code -Ddeltasync.roundtrip.seeds=N}.
 */
class RoundTripTest {
  static final int LOGS_PER_SEED = 25;

  static LongStream seeds() {
    long count = Long.getLong("deltasync.roundtrip.seeds", 200);
    long base = Long.getLong("deltasync.roundtrip.base", 1);
    return LongStream.range(base, base + count);
  }

  @org.junit.jupiter.api.Test
  void uncompressedLogsStoreTheirChunksUncompressed() throws IOException {
    ChangeLog log = SampleLogs.uncompressed();
    byte[] bytes = ChangeLogWriter.encode(log);
    long chunkBytes = log.chunks().stream().mapToLong(c -> c.getData().size()).sum();
    LogHeader header = ChangeLogReader.decode(bytes).header();
    assertThat(header.getPackStoredSize())
        .isEqualTo(
            chunkBytes + log.chunks().size() * (long) ContainerLayout.CHUNK_ENTRY_HEAD_BYTES);
    assertThat(header.getChangesStoredSize()).isEqualTo(header.getChangesRawSize());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomLogsRoundTripThroughBinaryAndJson(long seed) throws IOException {
    RandomChangeLogs generator = new RandomChangeLogs(seed);
    for (int i = 0; i < LOGS_PER_SEED; i++) {
      ChangeLog log = generator.next();
      String where = "seed " + seed + ", log " + i;

      byte[] bytes = ChangeLogWriter.encode(log);
      ChangeLog decoded = ChangeLogReader.decode(bytes);
      LogHeader expectedHeader = ChangeLogWriter.headerOf(log);
      assertThat(decoded.header()).as(where).isEqualTo(expectedHeader);
      assertThat(decoded.changes()).as(where).isEqualTo(log.changes());
      assertThat(decoded.chunks()).as(where).isEqualTo(log.chunks());
      assertThat(ChangeLogWriter.encode(decoded)).as(where + ": re-encoding").isEqualTo(bytes);

      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      ChangeLogWriter.write(log, streamed);
      assertThat(streamed.toByteArray()).as(where + ": write equals encode").isEqualTo(bytes);
      assertThat(ChangeLogReader.decode(new ByteArrayInputStream(bytes)))
          .as(where + ": stream decode")
          .isEqualTo(decoded);

      String json = ChangeLogJson.toJson(decoded);
      ChangeLog fromJson = ChangeLogJson.fromJson(json);
      assertThat(ChangeLogWriter.encode(fromJson)).as(where + ": JSON to binary").isEqualTo(bytes);
      assertThat(ChangeLogJson.toJson(fromJson)).as(where + ": JSON to JSON").isEqualTo(json);
    }
  }
}
