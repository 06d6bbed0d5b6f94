package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackLayoutTest {
  private static ByteString id(byte[] raw) throws Exception {
    return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(raw));
  }

  private static byte[] pack(List<byte[]> chunks) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PackWriter writer = new PackWriter(out);
    for (byte[] chunk : chunks) {
      writer.add(id(chunk), chunk);
    }
    writer.finish();
    assertThat(writer.size()).isEqualTo(out.size());
    return out.toByteArray();
  }

  @Test
  void writtenPackReadsBackEveryChunkVerified() throws Exception {
    Random random = new Random(7);
    byte[] noise = new byte[70_000];
    random.nextBytes(noise);
    byte[] text = "the same words again and again ".repeat(2000).getBytes(StandardCharsets.UTF_8);
    byte[] pack = pack(List.of(noise, text));

    List<PackLayout.Entry> entries = PackLayout.readIndex(new BytesChannel(pack));

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).codec()).isEqualTo(PackLayout.CODEC_STORED);
    assertThat(entries.get(1).codec()).isEqualTo(PackLayout.CODEC_ZSTD);
    assertThat(entries.get(1).storedLength()).isLessThan(text.length / 10);
    List<byte[]> decoded = new ArrayList<>();
    for (PackLayout.Entry entry : entries) {
      byte[] stored =
          Arrays.copyOfRange(
              pack, (int) entry.offset(), (int) entry.offset() + entry.storedLength());
      decoded.add(PackLayout.decodeChunk(entry, stored));
    }
    assertThat(decoded.get(0)).isEqualTo(noise);
    assertThat(decoded.get(1)).isEqualTo(text);
  }

  @Test
  void onlyChunksWhoseStartCompressesAreCompressed() throws Exception {
    Random random = new Random(11);
    byte[] noise = new byte[20_000];
    random.nextBytes(noise);
    byte[] text = "a line of text that repeats; ".repeat(700).getBytes(StandardCharsets.UTF_8);
    byte[] noiseThenText = Arrays.copyOf(noise, 20_000);
    System.arraycopy(
        text, 0, noiseThenText, PackWriter.PROBE_BYTES, 20_000 - PackWriter.PROBE_BYTES);
    // Noise where the probe would look, text after it, and one byte too small to be probed.
    byte[] smallNoiseThenText = Arrays.copyOf(noiseThenText, 2 * PackWriter.PROBE_BYTES - 1);
    assertThat(Zstd.compress(smallNoiseThenText, PackLayout.ZSTD_LEVEL))
        .as("it compresses, so a full attempt is worth it")
        .hasSizeLessThan(smallNoiseThenText.length * 3 / 4);

    assertThat(PackWriter.worthCompressing(noise)).isFalse();
    assertThat(PackWriter.worthCompressing(text)).isTrue();
    // Judged by its start only: stored raw, though its rest would compress.
    assertThat(PackWriter.worthCompressing(noiseThenText)).isFalse();
    // Too small to probe: always tried.
    assertThat(PackWriter.worthCompressing(smallNoiseThenText)).isTrue();

    List<PackLayout.Entry> entries =
        PackLayout.readIndex(new BytesChannel(pack(List.of(noise, text, noiseThenText))));
    assertThat(entries)
        .extracting(PackLayout.Entry::codec)
        .containsExactly(PackLayout.CODEC_STORED, PackLayout.CODEC_ZSTD, PackLayout.CODEC_STORED);
  }

  @Test
  void aPackTakesAtMostItsMaxBytesAndIncompressibleContentExactlyThat() throws Exception {
    Random random = new Random(11);
    List<byte[]> noise = new ArrayList<>();
    for (int size : new int[] {1, 5_000, 70_000, 300_000}) {
      byte[] chunk = new byte[size];
      random.nextBytes(chunk);
      noise.add(chunk);
    }
    long raw = noise.stream().mapToLong(c -> c.length).sum();
    assertThat(pack(noise)).hasSize((int) PackWriter.maxBytes(4, raw));
    byte[] text = "the same line again and again\n".repeat(3_000).getBytes(StandardCharsets.UTF_8);
    List<byte[]> mixed = List.of(noise.get(2), text);
    assertThat(pack(mixed).length)
        .isLessThan((int) PackWriter.maxBytes(2, noise.get(2).length + (long) text.length));
  }

  @Test
  void emptyPackHasAnIndexOfNoEntries() throws Exception {
    byte[] pack = pack(List.of());
    assertThat(pack).hasSize(PackLayout.HEADER_BYTES + PackLayout.TRAILER_BYTES);
    assertThat(PackLayout.readIndex(new BytesChannel(pack))).isEmpty();
  }

  @Test
  void damagedIndexIsRefusedByItsChecksum() throws Exception {
    byte[] pack = pack(List.of("one chunk".getBytes(StandardCharsets.UTF_8)));
    pack[pack.length - PackLayout.TRAILER_BYTES - 2] ^= 1; // inside the only index entry

    assertThatThrownBy(() -> PackLayout.readIndex(new BytesChannel(pack)))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("CRC-32C");
  }

  @Test
  void truncatedPackIsRefused() throws Exception {
    byte[] pack = pack(List.of("one chunk".getBytes(StandardCharsets.UTF_8)));
    byte[] cut = Arrays.copyOf(pack, pack.length - 5);

    assertThatThrownBy(() -> PackLayout.readIndex(new BytesChannel(cut)))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("index magic");
  }

  @Test
  void chunkWhoseBytesDoNotMatchItsIdIsRefused() throws Exception {
    byte[] raw = "some content".getBytes(StandardCharsets.UTF_8);
    PackLayout.Entry entry =
        new PackLayout.Entry(
            id("other".getBytes(StandardCharsets.UTF_8)), 0, raw.length, raw.length, 16);

    assertThatThrownBy(() -> PackLayout.decodeChunk(entry, raw))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("do not match its id");
  }

  @Test
  void decompressionBombStopsAtTheDeclaredRawLength() throws Exception {
    byte[] huge = new byte[FormatLimits.MAX_CHUNK_BYTES]; // zeros: a tiny frame, 8 MiB inflated
    byte[] frame = Zstd.compress(huge, 19);
    PackLayout.Entry entry = new PackLayout.Entry(id(new byte[100]), 1, 100, frame.length, 16);

    assertThatThrownBy(() -> PackLayout.decodeChunk(entry, frame))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("decompress");
  }

  @Test
  void writerRefusesChunksOutsideTheLimits() throws Exception {
    PackWriter writer = new PackWriter(new ByteArrayOutputStream());
    assertThatThrownBy(() -> writer.add(id(new byte[0]), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.add(ByteString.copyFrom(new byte[5]), new byte[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  /** A read-only channel over a byte array. */
  private static final class BytesChannel implements SeekableByteChannel {
    private final byte[] bytes;
    private long position;

    BytesChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), bytes.length - position);
      dst.put(bytes, (int) position, n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      throw new IOException("read-only");
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      throw new IOException("read-only");
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
