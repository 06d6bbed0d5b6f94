package dev.deltasync.engine.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.deltasync.engine.store.ChunkId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastCdcStreamTest {
  private static final FastCdc DEFAULT = FastCdc.withDefaults();

  @Test
  void streamGivesTheChunksOfTheArrayWhateverTheReadSizes() throws IOException {
    long seed = RandomBytes.seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 12; round++) {
      byte[] data = RandomBytes.fast(random.nextInt(2 << 20), random.nextLong());
      int maxRead = 1 + random.nextInt(random.nextBoolean() ? 100 : 300_000);
      List<Chunk> chunks = new ArrayList<>();
      long read =
          DEFAULT.chunk(
              new ShortReads(data, maxRead, random.nextLong()),
              (chunk, bytes) -> {
                assertThat(bytes.remaining()).isEqualTo(chunk.length());
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                assertThat(ChunkId.sha256(copy)).isEqualTo(chunk.id());
                chunks.add(chunk);
              });
      assertThat(read).isEqualTo(data.length);
      assertThat(chunks)
          .as("seed %d, round %d, %d bytes, reads of up to %d", seed, round, data.length, maxRead)
          .isEqualTo(expected(data));
    }
  }

  @Test
  void channelGivesTheChunksOfTheArray() throws IOException {
    long seed = RandomBytes.seed();
    byte[] data = RandomBytes.fast(1_500_000, seed);
    List<Chunk> chunks = new ArrayList<>();
    long read =
        DEFAULT.chunk(
            Channels.newChannel(new ShortReads(data, 10_000, seed)),
            (chunk, bytes) -> chunks.add(chunk));
    assertThat(read).isEqualTo(data.length);
    assertThat(chunks).as("seed %d", seed).isEqualTo(expected(data));
  }

  @Test
  void emptyStreamHasNoChunks() throws IOException {
    List<Chunk> chunks = new ArrayList<>();
    assertThat(DEFAULT.chunk(InputStream.nullInputStream(), (chunk, bytes) -> chunks.add(chunk)))
        .isZero();
    assertThat(chunks).isEmpty();
  }

  @Test
  void streamShorterThanTheMinimumIsOneChunk() throws IOException {
    byte[] data = RandomBytes.fast(100, 5);
    List<Chunk> chunks = new ArrayList<>();
    DEFAULT.chunk(new ByteArrayInputStream(data), (chunk, bytes) -> chunks.add(chunk));
    assertThat(chunks).containsExactly(new Chunk(0, 100, ChunkId.sha256(data)));
  }

  /** A 256 MiB stream goes through while the chunker reads at most 4 × max bytes ahead. */
  @Test
  void chunkerReadsBoundedAheadOfWhatItDelivers() throws IOException {
    long size = 256L << 20;
    PseudoRandomStream in = new PseudoRandomStream(size, 7);
    long[] delivered = {0};
    long read =
        DEFAULT.chunk(
            in,
            (chunk, bytes) -> {
              assertThat(chunk.offset()).isEqualTo(delivered[0]);
              assertThat(in.position - chunk.offset()).isLessThanOrEqualTo(4 * 65536);
              delivered[0] = chunk.end();
            });
    assertThat(read).isEqualTo(size);
    assertThat(delivered[0]).isEqualTo(size);
  }

  @Test
  void sinkFailureStopsChunking() {
    byte[] data = RandomBytes.fast(1 << 20, 6);
    int[] calls = {0};
    assertThatIOException()
        .isThrownBy(() ->
            DEFAULT.chunk(
                new ByteArrayInputStream(data),
                (chunk, bytes) -> {
                  if (++calls[0] == 3) {
                    throw new IOException("disk full");
                  }
                }))
        .withMessage("disk full");
    assertThat(calls[0]).isEqualTo(3);
  }

  @Test
  void aCallAfterAFailedOneOnTheSameThreadGivesTheRightChunks() throws IOException {
    byte[] data = RandomBytes.fast(1 << 20, 7);
    assertThatIOException()
        .isThrownBy(() ->
            DEFAULT.chunk(
                new ByteArrayInputStream(data),
                (chunk, bytes) -> {
                  throw new IOException("disk full");
                }));
    assertThat(chunksOf(DEFAULT, data)).isEqualTo(expected(data));
  }

  @Test
  void aSinkThatChunksAnotherStreamGetsBothRight() throws IOException {
    byte[] outer = RandomBytes.fast(600_000, 8);
    byte[] inner = RandomBytes.fast(300_000, 9);
    List<Chunk> outerChunks = new ArrayList<>();
    List<List<Chunk>> innerRuns = new ArrayList<>();
    DEFAULT.chunk(
        new ByteArrayInputStream(outer),
        (chunk, bytes) -> {
          byte[] before = new byte[bytes.remaining()];
          bytes.duplicate().get(before);
          innerRuns.add(chunksOf(DEFAULT, inner));
          byte[] after = new byte[bytes.remaining()];
          bytes.get(after);
          assertThat(after).as("the outer chunk's bytes after the inner call").isEqualTo(before);
          assertThat(ChunkId.sha256(after)).isEqualTo(chunk.id());
          outerChunks.add(chunk);
        });
    assertThat(outerChunks).isEqualTo(expected(outer));
    assertThat(innerRuns)
        .isNotEmpty()
        .allSatisfy(run -> assertThat(run).isEqualTo(expected(inner)));
  }

  @Test
  void afterLargerParametersOnTheSameThreadTheDefaultsCutAndReadAheadAsAlone() throws IOException {
    FastCdc large = FastCdc.of(new ChunkerParameters(16_384, 65_536, 262_144, 2));
    byte[] data = RandomBytes.fast(2 << 20, 10);
    assertThat(chunksOf(large, data)).isEqualTo(expected(large, data));
    assertThat(chunksOf(DEFAULT, data)).isEqualTo(expected(DEFAULT, data));
    // The thread's buffer is now 1 MiB: the defaults still read at most 256 KiB ahead.
    long[] delivered = {0};
    ShortReads in = new ShortReads(data, 1 << 20, 11);
    DEFAULT.chunk(
        in,
        (chunk, bytes) -> {
          assertThat(in.position - delivered[0]).isLessThanOrEqualTo(4L * 65_536);
          delivered[0] += chunk.length();
        });
    assertThat(delivered[0]).isEqualTo(data.length);
    assertThat(chunksOf(large, data)).isEqualTo(expected(large, data));
  }

  private static List<Chunk> chunksOf(FastCdc chunker, byte[] data) throws IOException {
    List<Chunk> chunks = new ArrayList<>();
    chunker.chunk(new ByteArrayInputStream(data), (chunk, bytes) -> chunks.add(chunk));
    return chunks;
  }

  @Test
  void chunkBytesAreReadOnly() throws IOException {
    DEFAULT.chunk(
        new ByteArrayInputStream(new byte[10]),
        (chunk, bytes) -> assertThat(bytes.isReadOnly()).isTrue());
  }

  @Test
  void nonBlockingChannelIsRefused() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel source = pipe.source();
        Pipe.SinkChannel sink = pipe.sink()) {
      source.configureBlocking(false);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> DEFAULT.chunk(source, (chunk, bytes) -> {}))
          .withMessage("the channel must be in blocking mode");
    }
  }

  private static List<Chunk> expected(byte[] data) {
    return expected(DEFAULT, data);
  }

  /** The chunks of {@code data} from its cut points, hashed one by one. */
  private static List<Chunk> expected(FastCdc chunker, byte[] data) {
    List<Chunk> chunks = new ArrayList<>();
    int start = 0;
    for (int end : chunker.cutPoints(data)) {
      chunks.add(new Chunk(start, end - start, ChunkId.sha256(data, start, end - start)));
      start = end;
    }
    return chunks;
  }

  /** Returns at most {@code maxRead} bytes per read, a random number of them, sometimes 1. */
  private static final class ShortReads extends InputStream {
    private final byte[] data;
    private final int maxRead;
    private final SplittableRandom random;
    private int position;

    ShortReads(byte[] data, int maxRead, long seed) {
      this.data = data;
      this.maxRead = maxRead;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int read() {
      return position < data.length ? data[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position == data.length) {
        return -1;
      }
      int count = Math.min(Math.min(length, data.length - position), 1 + random.nextInt(maxRead));
      System.arraycopy(data, position, buffer, offset, count);
      position += count;
      return count;
    }
  }

  /** {@code size} pseudo-random bytes made on the fly; counts what was read. */
  private static final class PseudoRandomStream extends InputStream {
    private final long size;
    private final SplittableRandom random;
    long position;

    PseudoRandomStream(long size, long seed) {
      this.size = size;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position == size) {
        return -1;
      }
      int count = (int) Math.min(length, size - position);
      ByteBuffer target = ByteBuffer.wrap(buffer, offset, count);
      while (target.remaining() >= Long.BYTES) {
        target.putLong(random.nextLong());
      }
      while (target.hasRemaining()) {
        target.put((byte) random.nextInt());
      }
      position += count;
      return count;
    }
  }
}
