package dev.deltasync.bench;

import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.LogHeader;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the change-log codec: {@link ChangeLogWriter#encode} and {@link
 * ChangeLogReader#decode} of a whole log held in memory, validation, zstd and SHA-256 included.
 *
 * <p>The primary score is logs per second. The auxiliary counters turn it into changes per second
 * and bytes per second, of the encoded log ({@code encodedBytes}) and of the changes section before
 * compression ({@code rawBytes}). The setup prints each log's sizes once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class ChangeLogCodecBenchmark {
  static final long SEED = 20250601L;

  /** The logs measured. */
  public enum Workload {
    /** 10,000 file changes: adds with chunk lists, chunk-list edits, moves, deletes. */
    FILES_10K,
    /** 1,000 contacts added, each a vCard of eleven properties. */
    CONTACTS_1K;

    ChangeLog build() {
      return switch (this) {
        case FILES_10K -> SampleLogs.files(10_000, SEED);
        case CONTACTS_1K -> SampleLogs.contacts(1_000, SEED);
      };
    }
  }

  @Param public Workload workload = Workload.FILES_10K;

  @SuppressWarnings("NullAway.Init") // assigned in setUp()
  private ChangeLog log;

  @SuppressWarnings("NullAway.Init") // assigned in setUp()
  private byte[] encoded;

  private int changeCount;
  private long rawBytes;

  @Setup(Level.Trial)
  public void setUp() throws ChangeLogFormatException {
    log = workload.build();
    encoded = ChangeLogWriter.encode(log);
    ChangeLog decoded = ChangeLogReader.decode(encoded);
    if (!decoded.changes().equals(log.changes())) {
      throw new IllegalStateException(workload + ": the log does not survive encode and decode");
    }
    LogHeader header = decoded.header();
    changeCount = log.changes().size();
    rawBytes = header.getChangesRawSize();
    System.out.printf(
        Locale.ROOT,
        "%n[%s] %d changes; changes section %d bytes raw, %d bytes zstd (level %d);"
            + " encoded log %d bytes (%.1f bytes per change)%n",
        workload,
        changeCount,
        rawBytes,
        header.getChangesStoredSize(),
        header.getCompressionLevel(),
        encoded.length,
        (double) encoded.length / changeCount);
  }

  @Benchmark
  public byte[] encode(Counters counters) throws ChangeLogFormatException {
    byte[] bytes = ChangeLogWriter.encode(log);
    counters.count(changeCount, rawBytes, bytes.length);
    return bytes;
  }

  @Benchmark
  public ChangeLog decode(Counters counters) throws ChangeLogFormatException {
    ChangeLog decoded = ChangeLogReader.decode(encoded);
    counters.count(changeCount, rawBytes, encoded.length);
    return decoded;
  }

  /** Per-second rates reported beside the score: changes, raw and encoded bytes. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    public long changes;
    public long rawBytes;
    public long encodedBytes;

    @Setup(Level.Iteration)
    public void reset() {
      changes = 0;
      rawBytes = 0;
      encodedBytes = 0;
    }

    void count(int changes, long rawBytes, long encodedBytes) {
      this.changes += changes;
      this.rawBytes += rawBytes;
      this.encodedBytes += encodedBytes;
    }
  }
}
