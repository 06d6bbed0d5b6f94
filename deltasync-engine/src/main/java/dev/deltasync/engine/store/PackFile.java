package dev.deltasync.engine.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.deltasync.format.FormatLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The binary layout of a pack file ({@code <32 hex digits>.dspack}; docs/directory-store.md, "Pack
 * files"): a header, the chunks' stored bytes back to back, an index, a trailer.
 *
 * <pre>
 * header (16):  magic 89 44 53 50 41 43 4B 0A ("\x89DSPACK\n") | u16 version = 1 | u16 flags = 0
 *               | u32 reserved = 0
 * data:         each chunk's stored bytes, at the offsets the index gives
 * index:        per chunk (49): 32-byte id | u8 codec (0 stored, 1 zstd) | u32 raw length
 *               | u32 stored length | u64 offset from the start of the file
 * trailer (24): u32 entry count | u64 index offset | u32 CRC-32C of the index and the 12 bytes
 *               before it | end magic 89 44 53 50 49 44 58 0A ("\x89DSPIDX\n")
 * </pre>
 *
 * All integers are big-endian. A reader finds the index from the end, so the index is written after
 * the data in one pass.
 */
final class PackFile {
  static final byte[] MAGIC = {(byte) 0x89, 'D', 'S', 'P', 'A', 'C', 'K', '\n'};
  static final byte[] END_MAGIC = {(byte) 0x89, 'D', 'S', 'P', 'I', 'D', 'X', '\n'};
  static final int VERSION = 1;
  static final int HEADER_BYTES = 16;
  static final int ENTRY_BYTES = ChunkId.BYTES + 1 + 4 + 4 + 8;
  static final int TRAILER_BYTES = 4 + 8 + 4 + 8;
  static final int CODEC_STORED = 0;
  static final int CODEC_ZSTD = 1;

  /** Most chunks in one pack. */
  static final int MAX_ENTRIES = 1_000_000;

  /** The zstd level chunks are compressed with. */
  static final int ZSTD_LEVEL = 3;

  /**
   * Where a chunk is in a pack.
   *
   * @param pack the pack file
   * @param codec {@link #CODEC_STORED} or {@link #CODEC_ZSTD}
   * @param rawLength length of the chunk
   * @param storedLength length of its bytes in the pack
   * @param offset where those bytes start in the pack
   */
  record Location(Path pack, int codec, int rawLength, int storedLength, long offset) {}

  private PackFile() {}

  /**
   * Writes {@code chunks} (verified, distinct) as a pack to {@code file}, replacing anything there,
   * and fsyncs it. Each chunk is zstd-compressed when that makes it smaller.
   *
   * @param pack the name the pack will have once renamed, for the locations returned
   * @return each chunk's location in {@code pack}, in order
   */
  static Map<ChunkId, Location> write(Path file, Path pack, Map<ChunkId, byte[]> chunks)
      throws IOException {
    Map<ChunkId, Location> locations = new LinkedHashMap<>();
    byte[] indexBytes = new byte[chunks.size() * ENTRY_BYTES + 12];
    ByteBuffer index = ByteBuffer.wrap(indexBytes);
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putShort((short) VERSION);
      Durable.writeFully(channel, header.putShort((short) 0).putInt(0).flip(), 0);
      long offset = HEADER_BYTES;
      for (Map.Entry<ChunkId, byte[]> chunk : chunks.entrySet()) {
        byte[] raw = chunk.getValue();
        byte[] compressed = Zstd.compress(raw, ZSTD_LEVEL);
        boolean zstd = compressed.length < raw.length;
        byte[] stored = zstd ? compressed : raw;
        int codec = zstd ? CODEC_ZSTD : CODEC_STORED;
        Durable.writeFully(channel, ByteBuffer.wrap(stored), offset);
        index.put(chunk.getKey().toBytes()).put((byte) codec).putInt(raw.length);
        index.putInt(stored.length).putLong(offset);
        locations.put(chunk.getKey(), new Location(pack, codec, raw.length, stored.length, offset));
        offset += stored.length;
      }
      index.putInt(chunks.size()).putLong(offset);
      CRC32C crc = new CRC32C();
      crc.update(indexBytes, 0, index.position());
      Durable.writeFully(channel, index.flip(), offset);
      ByteBuffer end = ByteBuffer.allocate(4 + END_MAGIC.length).putInt((int) crc.getValue());
      Durable.writeFully(channel, end.put(END_MAGIC).flip(), offset + index.limit());
      channel.force(true);
    }
    return locations;
  }

  /**
   * Reads and checks the index of the pack at {@code file}.
   *
   * @throws StoreException.Corrupt when the header, trailer or index is not valid (the message says
   *     what)
   */
  static Map<ChunkId, Location> readIndex(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < HEADER_BYTES + TRAILER_BYTES) {
        throw corrupt(file, "it has only " + size + " bytes");
      }
      byte[] headerBytes = read(channel, 0, HEADER_BYTES, file);
      ByteBuffer header = ByteBuffer.wrap(headerBytes);
      if (!Arrays.equals(headerBytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
        throw corrupt(file, "it does not start with the pack magic");
      }
      int version = Short.toUnsignedInt(header.getShort(8));
      if (version != VERSION || header.getShort(10) != 0) {
        throw corrupt(file, "it has version " + version + "; this deltasync reads " + VERSION);
      }
      byte[] trailerBytes = read(channel, size - TRAILER_BYTES, TRAILER_BYTES, file);
      ByteBuffer trailer = ByteBuffer.wrap(trailerBytes);
      if (!Arrays.equals(trailerBytes, 16, TRAILER_BYTES, END_MAGIC, 0, END_MAGIC.length)) {
        throw corrupt(file, "it does not end with the index magic (incomplete?)");
      }
      long count = Integer.toUnsignedLong(trailer.getInt(0));
      long indexOffset = trailer.getLong(4);
      if (count > MAX_ENTRIES
          || indexOffset < HEADER_BYTES
          || indexOffset != size - TRAILER_BYTES - count * ENTRY_BYTES) {
        throw corrupt(file, "its trailer declares " + count + " chunks at " + indexOffset);
      }
      byte[] indexBytes = read(channel, indexOffset, (int) (count * ENTRY_BYTES), file);
      ByteBuffer index = ByteBuffer.wrap(indexBytes);
      CRC32C crc = new CRC32C();
      crc.update(indexBytes);
      crc.update(trailerBytes, 0, 12);
      if ((int) crc.getValue() != trailer.getInt(12)) {
        throw corrupt(file, "its index does not match its CRC-32C");
      }
      Map<ChunkId, Location> locations = new LinkedHashMap<>();
      byte[] id = new byte[ChunkId.BYTES];
      for (int i = 0; i < count; i++) {
        index.get(id);
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
          throw corrupt(file, "index entry " + i + " is not valid");
        }
        locations.putIfAbsent(
            ChunkId.of(id), new Location(file, codec, (int) raw, (int) stored, offset));
      }
      return locations;
    }
  }

  /**
   * Reads one chunk: only its byte range, decompressed into at most its raw length, verified.
   *
   * @throws StoreException.Corrupt when the bytes do not decompress to exactly the raw length or do
   *     not match {@code id}
   */
  static byte[] readChunk(ChunkId id, Location location) throws IOException {
    byte[] stored;
    try (FileChannel channel = FileChannel.open(location.pack(), StandardOpenOption.READ)) {
      stored = read(channel, location.offset(), location.storedLength(), location.pack());
    }
    byte[] raw;
    if (location.codec() == CODEC_ZSTD) {
      raw = new byte[location.rawLength()];
      long n;
      try {
        // Writes at most raw.length bytes: a frame that expands further is an error.
        n = Zstd.decompressByteArray(raw, 0, raw.length, stored, 0, stored.length);
      } catch (ZstdException e) {
        throw new StoreException.Corrupt(
            describe(id, location) + "it does not decompress: " + e.getMessage(), e);
      }
      if (Zstd.isError(n)) {
        throw corruptChunk(id, location, "it does not decompress: " + Zstd.getErrorName(n));
      }
      if (n != raw.length) {
        throw corruptChunk(id, location, "it decompresses to " + n + " bytes, not " + raw.length);
      }
    } else {
      raw = stored;
    }
    MessageDigest digest = ChunkId.newDigest();
    if (!MessageDigest.isEqual(digest.digest(raw), id.toBytes())) {
      throw corruptChunk(id, location, "its bytes do not match its id");
    }
    return raw;
  }

  private static byte[] read(FileChannel channel, long position, int length, Path file)
      throws IOException {
    byte[] bytes = new byte[length];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    CollectionLog.readFully(channel, buffer, position);
    if (buffer.hasRemaining()) {
      throw corrupt(file, "it ends before byte " + (position + length));
    }
    return bytes;
  }

  private static StoreException.Corrupt corrupt(Path file, String problem) {
    return new StoreException.Corrupt("pack " + file + " is damaged: " + problem);
  }

  private static StoreException.Corrupt corruptChunk(ChunkId id, Location location, String why) {
    return new StoreException.Corrupt(describe(id, location) + why);
  }

  private static String describe(ChunkId id, Location location) {
    return "chunk "
        + id
        + " in pack "
        + location.pack()
        + " at byte "
        + location.offset()
        + " is damaged: ";
  }
}
