package dev.deltasync.format;

import com.github.luben.zstd.ZstdException;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary layout of a pack: many chunks of content in one file or upload (docs/format.md,
 * section 10, "Packs"). The directory store keeps packs as files, the server stores uploaded packs
 * as they are and serves byte ranges of them.
 *
 * <pre>
 * header (16):  magic 89 44 53 50 41 43 4B 0A ("\x89DSPACK\n") | u16 version = 1 | u16 flags = 0
 *               | u32 reserved = 0
 * data:         each chunk's stored bytes, at the offsets the index gives
 * index:        per chunk (49): 32-byte id | u8 codec (0 stored, 1 zstd) | u32 raw length
 *               | u32 stored length | u64 offset from the start of the pack
 * trailer (24): u32 entry count | u64 index offset | u32 CRC-32C of the index and the 12 bytes
 *               before it | end magic 89 44 53 50 49 44 58 0A ("\x89DSPIDX\n")
 * </pre>
 *
 * All integers are big-endian. A reader finds the index from the end, so a writer streams the data
 * first and the index last ({@link PackWriter}).
 */
public final class PackLayout {
  static final byte[] MAGIC = {(byte) 0x89, 'D', 'S', 'P', 'A', 'C', 'K', '\n'};
  static final byte[] END_MAGIC = {(byte) 0x89, 'D', 'S', 'P', 'I', 'D', 'X', '\n'};

  /** The pack version this code reads and writes. */
  public static final int VERSION = 1;

  /** Length of the header. */
  public static final int HEADER_BYTES = 16;

  /** Length of one index entry. */
  public static final int ENTRY_BYTES = FormatLimits.HASH_BYTES + 1 + 4 + 4 + 8;

  /** Length of the trailer. */
  public static final int TRAILER_BYTES = 4 + 8 + 4 + 8;

  /** Codec of a chunk kept as it is. */
  public static final int CODEC_STORED = 0;

  /** Codec of a zstd-compressed chunk. */
  public static final int CODEC_ZSTD = 1;

  /** Most chunks in one pack. */
  public static final int MAX_ENTRIES = 1_000_000;

  /** The zstd level writers compress chunks with. */
  public static final int ZSTD_LEVEL = 3;

  /**
   * Where a chunk is in a pack and how it is stored.
   *
   * @param id the SHA-256 of the chunk's raw bytes
   * @param codec {@link #CODEC_STORED} or {@link #CODEC_ZSTD}
   * @param rawLength length of the chunk
   * @param storedLength length of its bytes in the pack
   * @param offset where those bytes start, from the start of the pack
   */
  public record Entry(ByteString id, int codec, int rawLength, int storedLength, long offset) {}

  private PackLayout() {}

  /** The 16-byte header every pack starts with. */
  static ByteBuffer header() {
    return ByteBuffer.allocate(HEADER_BYTES)
        .put(MAGIC)
        .putShort((short) VERSION)
        .putShort((short) 0)
        .putInt(0)
        .flip();
  }

  /**
   * Reads and checks the header, trailer and index of the pack in {@code channel} (its whole size),
   * reading nothing of the chunks' data.
   *
   * @return the entries in index order (an id may repeat; the first one counts)
   * @throws PackFormatException when the header, trailer or an index entry is not valid
   */
  public static List<Entry> readIndex(SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    if (size < HEADER_BYTES + TRAILER_BYTES) {
      throw new PackFormatException("it has only " + size + " bytes");
    }
    byte[] headerBytes = read(channel, 0, HEADER_BYTES);
    ByteBuffer header = ByteBuffer.wrap(headerBytes);
    if (!Arrays.equals(headerBytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new PackFormatException("it does not start with the pack magic");
    }
    int version = Short.toUnsignedInt(header.getShort(8));
    if (version != VERSION || header.getShort(10) != 0) {
      throw new PackFormatException(
          "it has version " + version + "; this deltasync reads " + VERSION);
    }
    byte[] trailerBytes = read(channel, size - TRAILER_BYTES, TRAILER_BYTES);
    ByteBuffer trailer = ByteBuffer.wrap(trailerBytes);
    if (!Arrays.equals(trailerBytes, 16, TRAILER_BYTES, END_MAGIC, 0, END_MAGIC.length)) {
      throw new PackFormatException("it does not end with the index magic (incomplete?)");
    }
    long count = Integer.toUnsignedLong(trailer.getInt(0));
    long indexOffset = trailer.getLong(4);
    if (count > MAX_ENTRIES
        || indexOffset < HEADER_BYTES
        || indexOffset != size - TRAILER_BYTES - count * ENTRY_BYTES) {
      throw new PackFormatException(
          "its trailer declares " + count + " chunks at byte " + indexOffset);
    }
    byte[] indexBytes = read(channel, indexOffset, (int) (count * ENTRY_BYTES));
    CRC32C crc = new CRC32C();
    crc.update(indexBytes);
    crc.update(trailerBytes, 0, 12);
    if ((int) crc.getValue() != trailer.getInt(12)) {
      throw new PackFormatException("its index does not match its CRC-32C");
    }
    ByteBuffer index = ByteBuffer.wrap(indexBytes);
    List<Entry> entries = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      ByteString id = ByteString.copyFrom(indexBytes, i * ENTRY_BYTES, FormatLimits.HASH_BYTES);
      index.position(i * ENTRY_BYTES + FormatLimits.HASH_BYTES);
      int codec = Byte.toUnsignedInt(index.get());
      long raw = Integer.toUnsignedLong(index.getInt());
      long stored = Integer.toUnsignedLong(index.getInt());
      long offset = index.getLong();
      if ((codec != CODEC_STORED && codec != CODEC_ZSTD)
          || raw < 1
          || raw > FormatLimits.MAX_CHUNK_BYTES
          || stored < 1
          || stored > FormatLimits.MAX_CHUNK_BYTES
          || (codec == CODEC_STORED && stored != raw)
          || offset < HEADER_BYTES
          || offset > indexOffset - stored) {
        throw new PackFormatException("index entry " + i + " is not valid");
      }
      entries.add(new Entry(id, codec, (int) raw, (int) stored, offset));
    }
    return entries;
  }

  /**
   * Decodes a chunk's stored bytes into at most its raw length and checks them against its id.
   *
   * @param stored exactly the {@code entry.storedLength()} bytes at {@code entry.offset()}
   * @throws PackFormatException when the bytes do not decompress to exactly the raw length or do
   *     not match the id
   */
  public static byte[] decodeChunk(Entry entry, byte[] stored) throws PackFormatException {
    if (stored.length != entry.storedLength()) {
      throw new PackFormatException(
          "chunk has " + stored.length + " stored bytes, not " + entry.storedLength());
    }
    byte[] raw;
    if (entry.codec() == CODEC_ZSTD) {
      raw = new byte[entry.rawLength()];
      long n;
      try {
        // Writes at most raw.length bytes: a frame that expands further is an error, so a
        // decompression bomb costs no more than the declared (bounded) raw length.
        n = ZstdContexts.decompress(raw, stored);
      } catch (ZstdException e) {
        throw new PackFormatException("chunk does not decompress: " + e.getMessage(), e);
      }
      if (n != raw.length) {
        throw new PackFormatException("chunk decompresses to " + n + " bytes, not " + raw.length);
      }
    } else {
      raw = stored;
    }
    MessageDigest digest = Hashing.sha256();
    if (!MessageDigest.isEqual(digest.digest(raw), entry.id().toByteArray())) {
      throw new PackFormatException(
          "chunk "
              + HexFormat.of().formatHex(entry.id().toByteArray())
              + ": its bytes do not match its id");
    }
    return raw;
  }

  /** Reads exactly {@code length} bytes at {@code position}. */
  static byte[] read(SeekableByteChannel channel, long position, int length) throws IOException {
    byte[] bytes = new byte[length];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    channel.position(position);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new PackFormatException("it ends before byte " + (position + length));
      }
    }
    return bytes;
  }
}
