package dev.deltasync.engine.chunk;

import dev.deltasync.engine.store.ChunkId;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Content-defined chunking with FastCDC (Xia et al., USENIX ATC 2016; IEEE TPDS 2020): cuts content
 * where a rolling gear hash of the last 64 bytes has its top bits zero, so that an edit moves only
 * the cut points near it and the chunks before and after it keep their ids.
 *
 * <p>The algorithm, for the chunk that starts at {@code s}:
 *
 * <ol>
 *   <li>Cut-point skipping: the first {@code minSize} bytes are not looked at.
 *   <li>From {@code s + minSize} on, the gear hash {@code h = (h << 1) + GEAR[byte]} (from {@code h
 *       = 0}) is updated per byte. After byte {@code i} the chunk ends (its length is {@code i + 1
 *       - s}) when the top {@code log2(averageSize) + normalization} bits of {@code h} are zero
 *       while the length is at most {@code averageSize}, or the top {@code log2(averageSize) -
 *       normalization} bits after that: normalized chunking with two masks.
 *   <li>A chunk that reaches {@code maxSize} bytes is cut there; the input's end cuts the last one.
 * </ol>
 *
 * <p>The masks are the top bits of the hash, not the papers' spread-out bits: bit {@code k} of a
 * gear hash depends on the last {@code k + 1} bytes only, so the top bits see the widest window
 * (all 64 bytes), which is what the papers' padded masks approximate. "Top {@code n} bits zero" is
 * the same as {@code h < 2^(64-n)} unsigned, a cut probability of {@code 2^-n} per byte.
 *
 * <p>Same content and same {@link ChunkerParameters} give the same chunks on every device, platform
 * and version: the gear table is fixed ({@code GearTable}) and words are read little-endian
 * whatever the platform's order. Tests pin both with golden values.
 *
 * <p>Instances are immutable and thread-safe. A call of {@code chunk} works on a buffer and a
 * digest of its thread's own, kept for the thread's next call: a scan of many small files does not
 * allocate (and zero) a new buffer per file.
 */
public final class FastCdc {
  private static final long[] GEAR = GearTable.generate();
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The reading buffer and digest of this thread's last {@code chunk} call, for its next one. */
  private static final ThreadLocal<Workspace> WORKSPACE = new ThreadLocal<>();

  private final ChunkerParameters parameters;
  private final int minSize;
  private final int averageSize;
  private final int maxSize;
  private final long maskBeforeAverage;
  private final long maskAfterAverage;

  private FastCdc(ChunkerParameters parameters) {
    this.parameters = parameters;
    this.minSize = parameters.minSize();
    this.averageSize = parameters.averageSize();
    this.maxSize = parameters.maxSize();
    int bits = Integer.numberOfTrailingZeros(parameters.averageSize());
    this.maskBeforeAverage = topBits(bits + parameters.normalization());
    this.maskAfterAverage = topBits(bits - parameters.normalization());
  }

  /** A chunker with {@link ChunkerParameters#DEFAULT}. */
  public static FastCdc withDefaults() {
    return new FastCdc(ChunkerParameters.DEFAULT);
  }

  /** A chunker with the given parameters. */
  public static FastCdc of(ChunkerParameters parameters) {
    return new FastCdc(Objects.requireNonNull(parameters, "parameters"));
  }

  /** The parameters this chunker cuts with. */
  public ChunkerParameters parameters() {
    return parameters;
  }

  /**
   * Returns the length of the chunk that starts at {@code start}, in data that ends at {@code end}.
   * The result is in {@code [1, maxSize]}, and in {@code (minSize, maxSize]} unless the chunk is
   * cut by {@code end}; it is 0 only when {@code start == end}.
   *
   * <p>The caller must pass either at least {@code maxSize} bytes or all bytes up to the input's
   * end: the cut depends on the bytes up to {@code start + maxSize}.
   *
   * @throws IndexOutOfBoundsException when {@code [start, end)} is not within {@code data}
   */
  public int chunkLength(byte[] data, int start, int end) {
    Objects.checkFromToIndex(start, end, data.length);
    int available = end - start;
    if (available <= minSize) {
      return available;
    }
    int origin = start + minSize;
    int normal = start + Math.min(available, averageSize);
    int last = start + Math.min(available, maxSize);
    int cut = findCut(data, origin, origin, normal, maskBeforeAverage);
    if (cut < 0) {
      cut = findCut(data, origin, normal, last, maskAfterAverage);
    }
    return cut < 0 ? last - start : cut + 1 - start;
  }

  /**
   * Returns the first {@code i} in {@code [from, to)} where the gear hash after byte {@code i} has
   * all {@code mask} bits zero, or -1. The hash starts at {@code origin}; it is rebuilt from the 64
   * bytes before {@code from} (the hash after byte {@code i} depends on bytes {@code i - 63} to
   * {@code i} only: older ones are shifted out), so that two calls can scan one chunk with two
   * masks.
   *
   * <p>This is the hot loop: it reads eight bytes at a time as a little-endian long (one load
   * instead of eight), which C2 unrolls into straight code without bounds checks.
   */
  private static int findCut(byte[] data, int origin, int from, int to, long mask) {
    long[] gear = GEAR;
    long hash = 0;
    for (int i = Math.max(origin, from - Long.SIZE); i < from; i++) {
      hash = (hash << 1) + gear[data[i] & 0xFF];
    }
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long word = (long) LITTLE_ENDIAN_LONGS.get(data, i);
      for (int k = 0; k < Long.BYTES; k++) {
        hash = (hash << 1) + gear[(int) (word >>> (k * Byte.SIZE)) & 0xFF];
        if ((hash & mask) == 0) {
          return i + k;
        }
      }
    }
    for (; i < to; i++) {
      hash = (hash << 1) + gear[data[i] & 0xFF];
      if ((hash & mask) == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Cuts {@code length} bytes of {@code data} from {@code offset}, which are a whole input.
   *
   * @return the end of every chunk relative to {@code offset}, in increasing order; the last is
   *     {@code length}. Empty when {@code length} is 0.
   * @throws IndexOutOfBoundsException when the range is not within {@code data}
   */
  public int[] cutPoints(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    int end = offset + length;
    int[] cuts = new int[Math.max(16, length / averageSize + 1)];
    int count = 0;
    for (int position = offset; position < end; ) {
      position += chunkLength(data, position, end);
      if (count == cuts.length) {
        cuts = Arrays.copyOf(cuts, count * 2);
      }
      cuts[count++] = position - offset;
    }
    return Arrays.copyOf(cuts, count);
  }

  /** Cuts all of {@code data}; see {@link #cutPoints(byte[], int, int)}. */
  public int[] cutPoints(byte[] data) {
    return cutPoints(data, 0, data.length);
  }

  /**
   * Reads {@code in} to its end and hands every chunk, with its id and bytes, to {@code sink}, in
   * order, on the calling thread. The chunks are exactly those of {@link #cutPoints} over the whole
   * content, however the stream splits its reads. Each chunk is hashed right after it is cut, while
   * its bytes are still in the CPU's cache: the content is read once. Memory is bounded whatever
   * the stream's length: one buffer of {@code 4 × maxSize} bytes (256 KiB with the defaults) per
   * thread, kept for the thread's next call, of which at most that much has been read ahead of the
   * chunk being handed over. The stream is not closed.
   *
   * @return the number of bytes read
   * @throws IOException from the stream or the sink; chunks handed over before it stay handed over
   */
  public long chunk(InputStream in, ChunkSink sink) throws IOException {
    Objects.requireNonNull(in, "in");
    return run((buffer, offset, length) -> in.read(buffer, offset, length), sink);
  }

  /**
   * Reads {@code channel} to its end; otherwise as {@link #chunk(InputStream, ChunkSink)}. The
   * channel is not closed. A blocking channel that reads 0 bytes is asked again.
   *
   * @throws IllegalArgumentException when {@code channel} is a non-blocking selectable channel
   */
  public long chunk(ReadableByteChannel channel, ChunkSink sink) throws IOException {
    Objects.requireNonNull(channel, "channel");
    if (channel instanceof SelectableChannel selectable && !selectable.isBlocking()) {
      throw new IllegalArgumentException("the channel must be in blocking mode");
    }
    return run(
        (buffer, offset, length) -> channel.read(ByteBuffer.wrap(buffer, offset, length)), sink);
  }

  private long run(Reader reader, ChunkSink sink) throws IOException {
    Objects.requireNonNull(sink, "sink");
    Workspace workspace = WORKSPACE.get();
    // A sink that chunks again on this thread (nothing does today) gets a workspace of its own.
    if (workspace == null || workspace.inUse) {
      workspace = new Workspace();
      WORKSPACE.set(workspace);
    }
    workspace.inUse = true;
    try {
      return run(reader, sink, workspace.buffer(4 * maxSize), workspace.digest);
    } finally {
      workspace.inUse = false;
    }
  }

  private long run(Reader reader, ChunkSink sink, byte[] buffer, MessageDigest digest)
      throws IOException {
    // Only the first 4 × maxSize bytes: a buffer grown by larger parameters on this thread must not
    // make this call read further ahead.
    int capacity = 4 * maxSize;
    long consumed = 0; // stream offset of buffer[position]
    int position = 0;
    int limit = 0;
    boolean atEnd = false;
    while (true) {
      while (!atEnd && limit - position < maxSize) {
        if (limit == capacity) {
          System.arraycopy(buffer, position, buffer, 0, limit - position);
          limit -= position;
          position = 0;
        }
        int read = reader.read(buffer, limit, capacity - limit);
        if (read < 0) {
          atEnd = true;
        } else {
          limit += read;
        }
      }
      if (position == limit) {
        return consumed;
      }
      int length = chunkLength(buffer, position, limit);
      digest.update(buffer, position, length);
      Chunk chunk = new Chunk(consumed, length, ChunkId.of(digest.digest()));
      sink.accept(chunk, ByteBuffer.wrap(buffer, position, length).slice().asReadOnlyBuffer());
      position += length;
      consumed += length;
    }
  }

  /** A mask of the top {@code count} bits of a long. */
  private static long topBits(int count) {
    return -1L << (Long.SIZE - count);
  }

  /** A thread's reading buffer and digest, reused from one {@code chunk} call to the next. */
  private static final class Workspace {
    final MessageDigest digest = ChunkId.newDigest();
    byte[] buffer = new byte[0];
    boolean inUse;

    /** The buffer, grown to at least {@code size} bytes (parameters may differ between calls). */
    byte[] buffer(int size) {
      if (buffer.length < size) {
        buffer = new byte[size];
      }
      return buffer;
    }
  }

  /** One read of the underlying stream or channel: -1 at its end, else the count (maybe 0). */
  @FunctionalInterface
  private interface Reader {
    int read(byte[] buffer, int offset, int length) throws IOException;
  }
}
