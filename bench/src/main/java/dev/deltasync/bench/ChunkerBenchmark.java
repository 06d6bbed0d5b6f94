package dev.deltasync.bench;

import dev.deltasync.engine.chunk.ChunkerParameters;
import dev.deltasync.engine.chunk.FastCdc;
import dev.deltasync.engine.store.ChunkId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of content-defined chunking on one 64 MiB buffer of random bytes, against SHA-256
 * alone over the same buffer:
 *
 * <ul>
 *   <li>{@code sha256}: the JDK's SHA-256 over the whole buffer, the floor for any chunker that
 *       hashes its chunks;
 *   <li>{@code cutPoints}: FastCDC cut points only ({@link FastCdc#cutPoints});
 *   <li>{@code chunkAndHash}: what the engine does with a file, {@link FastCdc#chunk} over a stream
 *       of the buffer: copy into the chunker's buffer, cut, SHA-256 of every chunk;
 *   <li>{@code cutPointsThenHash}: cut points, then SHA-256 of every chunk in the array, no copy.
 * </ul>
 *
 * <p>The primary score is operations (whole buffers of 64 MiB = 67.1 MB) per second, wall-clock.
 * The auxiliary counters {@code mb} and {@code cpuSeconds} give the throughput per core, {@code mb
 * / cpuSeconds} in MB (10^6 bytes) per CPU-second; see {@link CpuTime}.
 *
 * <p>The chunker's benchmarks run for several candidate parameter sets
 * (minimum/average/maximum/normalization level). The setup of {@code cutPoints} prints, for each,
 * the chunk count and mean length, and how much a small edit costs: over {@value #EDITS} random
 * edits (insert, delete or overwrite of 1 to 100 bytes) in the middle of an 8 MiB buffer, the mean
 * number and bytes of chunks that are new after the edit, i.e. what a sync would send.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class ChunkerBenchmark {
  static final long SEED = 20250601L;
  static final int SIZE = 64 * 1024 * 1024;
  static final int EDITS = 400;

  /** The 64 MiB of random bytes every benchmark reads. */
  static final byte[] DATA = random(SIZE, SEED);

  /** A chunker with one of the candidate parameter sets: minimum/average/maximum/level. */
  @State(Scope.Benchmark)
  public static class Chunker {
    @Param({
      "4096/16384/65536/2",
      "4096/16384/65536/3",
      "8192/16384/65536/2",
      "2048/8192/32768/2",
      "8192/32768/131072/2"
    })
    public String parameters = "4096/16384/65536/2";

    @SuppressWarnings("NullAway.Init") // assigned in setUp()
    FastCdc fastCdc;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams benchmark) {
      String[] parts = parameters.split("/", -1);
      fastCdc =
          FastCdc.of(
              new ChunkerParameters(
                  Integer.parseInt(parts[0]),
                  Integer.parseInt(parts[1]),
                  Integer.parseInt(parts[2]),
                  Integer.parseInt(parts[3])));
      if (benchmark.getBenchmark().endsWith(".cutPoints")) { // once per candidate is enough
        int[] cuts = fastCdc.cutPoints(DATA);
        System.out.printf(
            Locale.ROOT,
            "%n[%s] %d chunks in 64 MiB, mean length %.0f bytes%n",
            parameters,
            cuts.length,
            (double) SIZE / cuts.length);
        printEditCost(fastCdc);
      }
    }
  }

  @Benchmark
  public byte[] sha256(CpuTime cpu) {
    long start = cpu.start();
    MessageDigest digest = ChunkId.newDigest();
    digest.update(DATA);
    byte[] hash = digest.digest();
    cpu.stop(start, DATA.length);
    return hash;
  }

  @Benchmark
  public int[] cutPoints(Chunker chunker, CpuTime cpu) {
    long start = cpu.start();
    int[] cuts = chunker.fastCdc.cutPoints(DATA);
    cpu.stop(start, DATA.length);
    return cuts;
  }

  @Benchmark
  public long chunkAndHash(Chunker chunker, CpuTime cpu, Blackhole blackhole) throws IOException {
    long start = cpu.start();
    long read =
        chunker.fastCdc.chunk(
            new ByteArrayInputStream(DATA), (chunk, data) -> blackhole.consume(chunk));
    cpu.stop(start, read);
    return read;
  }

  @Benchmark
  public void cutPointsThenHash(Chunker chunker, CpuTime cpu, Blackhole blackhole) {
    long start = cpu.start();
    int[] cuts = chunker.fastCdc.cutPoints(DATA);
    MessageDigest digest = ChunkId.newDigest();
    int from = 0;
    for (int end : cuts) {
      digest.update(DATA, from, end - from);
      blackhole.consume(digest.digest());
      from = end;
    }
    cpu.stop(start, DATA.length);
  }

  /**
   * The bytes processed and the CPU time the benchmark thread spent on them, per iteration: {@code
   * mb / cpuSeconds} is the throughput per core, which other processes on a shared machine disturb
   * far less than the wall-clock score (they take the core away, which stops the thread's clock).
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public double mb;
    public double cpuSeconds;

    @Setup(Level.Iteration)
    public void reset() {
      mb = 0;
      cpuSeconds = 0;
    }

    long start() {
      return THREADS.getCurrentThreadCpuTime();
    }

    void stop(long start, long bytes) {
      cpuSeconds += (THREADS.getCurrentThreadCpuTime() - start) / 1e9;
      mb += bytes / 1e6;
    }
  }

  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** Prints the mean count and bytes of chunks that a small edit in the middle makes new. */
  static void printEditCost(FastCdc fastCdc) {
    byte[] original = random(8 * 1024 * 1024, SEED + 1);
    Set<ChunkId> before = ids(fastCdc, original);
    Random random = new Random(SEED + 2);
    long newChunks = 0;
    long newBytes = 0;
    for (int i = 0; i < EDITS; i++) {
      byte[] edited = edit(original, random);
      int[] cuts = fastCdc.cutPoints(edited);
      int start = 0;
      for (int end : cuts) {
        if (!before.contains(ChunkId.sha256(edited, start, end - start))) {
          newChunks++;
          newBytes += end - start;
        }
        start = end;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "[edit cost] %d edits of 1-100 bytes in 8 MiB: %.2f new chunks, %.0f new bytes per edit%n",
        EDITS,
        (double) newChunks / EDITS,
        (double) newBytes / EDITS);
  }

  static Set<ChunkId> ids(FastCdc fastCdc, byte[] data) {
    Set<ChunkId> ids = new HashSet<>();
    int start = 0;
    for (int end : fastCdc.cutPoints(data)) {
      ids.add(ChunkId.sha256(data, start, end - start));
      start = end;
    }
    return ids;
  }

  /** A copy of {@code data} with 1 to 100 bytes inserted, deleted or overwritten in the middle. */
  static byte[] edit(byte[] data, Random random) {
    int at = data.length / 4 + random.nextInt(data.length / 2);
    int count = 1 + random.nextInt(100);
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    byte[] edited;
    switch (random.nextInt(3)) {
      case 0 -> {
        edited = new byte[data.length + count];
        System.arraycopy(data, 0, edited, 0, at);
        System.arraycopy(bytes, 0, edited, at, count);
        System.arraycopy(data, at, edited, at + count, data.length - at);
      }
      case 1 -> {
        edited = new byte[data.length - count];
        System.arraycopy(data, 0, edited, 0, at);
        System.arraycopy(data, at + count, edited, at, data.length - at - count);
      }
      default -> {
        edited = data.clone();
        for (int i = 0; i < count; i++) {
          edited[at + i] ^= (byte) (bytes[i] | 1); // never the same byte again
        }
      }
    }
    return edited;
  }
}
