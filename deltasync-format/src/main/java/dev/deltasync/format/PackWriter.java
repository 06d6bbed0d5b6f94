package dev.deltasync.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a pack ({@link PackLayout}) to a stream in one pass: the header at once, each chunk as it
 * is added (zstd-compressed when that makes it smaller), the index and trailer on {@link #finish}.
 * Holds only the index in memory (49 bytes per chunk). Not thread-safe. The caller closes the
 * stream and, for a file, makes it durable.
 */
public final class PackWriter {
  /** Bytes at a chunk's start compressed to tell whether it is worth compressing. */
  static final int PROBE_BYTES = 4096;

  private final OutputStream out;
  private final List<PackLayout.Entry> entries = new ArrayList<>();
  private long offset = PackLayout.HEADER_BYTES;
  private boolean finished;

  /** Starts a pack on {@code out} and writes its header. */
  public PackWriter(OutputStream out) throws IOException {
    this.out = out;
    out.write(PackLayout.header().array());
  }

  /**
   * Writes one chunk. The caller has checked that {@code id} is the SHA-256 of {@code raw} and that
   * it is not already in this pack.
   *
   * @return where the chunk is in the pack
   * @throws IllegalArgumentException when the chunk is empty or longer than {@link
   *     FormatLimits#MAX_CHUNK_BYTES}, or the pack has {@link PackLayout#MAX_ENTRIES} chunks
   */
  public PackLayout.Entry add(ByteString id, byte[] raw) throws IOException {
    if (finished) {
      throw new IllegalStateException("the pack is finished");
    }
    if (raw.length == 0 || raw.length > FormatLimits.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "a chunk has 1.." + FormatLimits.MAX_CHUNK_BYTES + " bytes, not " + raw.length);
    }
    if (id.size() != FormatLimits.HASH_BYTES) {
      throw new IllegalArgumentException("a chunk id has 32 bytes, not " + id.size());
    }
    if (entries.size() >= PackLayout.MAX_ENTRIES) {
      throw new IllegalArgumentException("a pack holds at most " + PackLayout.MAX_ENTRIES);
    }
    byte[] compressed = worthCompressing(raw) ? compress(raw) : raw;
    boolean zstd = compressed.length < raw.length;
    byte[] stored = zstd ? compressed : raw;
    out.write(stored);
    int codec = zstd ? PackLayout.CODEC_ZSTD : PackLayout.CODEC_STORED;
    PackLayout.Entry entry = new PackLayout.Entry(id, codec, raw.length, stored.length, offset);
    entries.add(entry);
    offset += stored.length;
    return entry;
  }

  /**
   * Whether zstd may make the chunk smaller: its first {@link #PROBE_BYTES} are compressed (at the
   * fastest positive level) and must shrink by 3%. Incompressible content (media, archives,
   * encrypted files) is then stored without the full attempt, which costs as much CPU as
   * compressing text; a chunk whose start does not compress but whose rest would is stored raw
   * (still correct).
   */
  static boolean worthCompressing(byte[] raw) {
    if (raw.length < 2 * PROBE_BYTES) {
      return true;
    }
    byte[] probe = new byte[(int) Zstd.compressBound(PROBE_BYTES)];
    long size;
    try {
      size = ZstdContexts.compress(probe, raw, 0, PROBE_BYTES, 1);
    } catch (ZstdException e) {
      return true; // the full attempt decides
    }
    return size < PROBE_BYTES * 97L / 100;
  }

  private static byte[] compress(byte[] raw) {
    byte[] out = new byte[(int) Zstd.compressBound(raw.length)];
    int size = ZstdContexts.compress(out, raw, 0, raw.length, PackLayout.ZSTD_LEVEL);
    return Arrays.copyOf(out, size);
  }

  /**
   * The most bytes a pack of {@code chunks} chunks of {@code rawBytes} bytes in all can take: a
   * chunk is stored compressed only when that is smaller.
   */
  public static long maxBytes(int chunks, long rawBytes) {
    return PackLayout.HEADER_BYTES
        + rawBytes
        + (long) chunks * PackLayout.ENTRY_BYTES
        + PackLayout.TRAILER_BYTES;
  }

  /** The number of chunks added. */
  public int count() {
    return entries.size();
  }

  /** The bytes written so far (the whole pack's size after {@link #finish}). */
  public long size() {
    return finished
        ? offset + (long) entries.size() * PackLayout.ENTRY_BYTES + PackLayout.TRAILER_BYTES
        : offset;
  }

  /**
   * Writes the index and trailer, and flushes the stream.
   *
   * @return the entries, in the order added
   */
  public List<PackLayout.Entry> finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("the pack is finished");
    }
    finished = true;
    ByteBuffer index = ByteBuffer.allocate(entries.size() * PackLayout.ENTRY_BYTES + 12);
    for (PackLayout.Entry entry : entries) {
      index.put(entry.id().asReadOnlyByteBuffer()).put((byte) entry.codec());
      index.putInt(entry.rawLength()).putInt(entry.storedLength()).putLong(entry.offset());
    }
    index.putInt(entries.size()).putLong(offset);
    CRC32C crc = new CRC32C();
    crc.update(index.array(), 0, index.position());
    out.write(index.array());
    ByteBuffer end = ByteBuffer.allocate(12).putInt((int) crc.getValue()).put(PackLayout.END_MAGIC);
    out.write(end.array());
    out.flush();
    return List.copyOf(entries);
  }
}
