package dev.deltasync.engine.store;

import com.google.protobuf.ByteString;
import dev.deltasync.format.PackFormatException;
import dev.deltasync.format.PackLayout;
import dev.deltasync.format.PackWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pack files of a directory store ({@code <32 hex digits>.dspack}): the format module's {@link
 * PackLayout} on disk, with locations that name the file.
 */
final class PackFile {
  static final int HEADER_BYTES = PackLayout.HEADER_BYTES;
  static final int TRAILER_BYTES = PackLayout.TRAILER_BYTES;
  static final int CODEC_STORED = PackLayout.CODEC_STORED;
  static final int CODEC_ZSTD = PackLayout.CODEC_ZSTD;
  static final int MAX_ENTRIES = PackLayout.MAX_ENTRIES;

  /**
   * Where a chunk is in a pack.
   *
   * @param pack the pack file
   * @param entry the chunk's entry in the pack's index
   */
  record Location(Path pack, PackLayout.Entry entry) {
    int codec() {
      return entry.codec();
    }
  }

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
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      PackWriter writer = new PackWriter(out);
      for (Map.Entry<ChunkId, byte[]> chunk : chunks.entrySet()) {
        PackLayout.Entry entry =
            writer.add(ByteString.copyFrom(chunk.getKey().toBytes()), chunk.getValue());
        locations.put(chunk.getKey(), new Location(pack, entry));
      }
      writer.finish();
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
      Map<ChunkId, Location> locations = new LinkedHashMap<>();
      for (PackLayout.Entry entry : PackLayout.readIndex(channel)) {
        locations.putIfAbsent(ChunkId.of(entry.id().toByteArray()), new Location(file, entry));
      }
      return locations;
    } catch (PackFormatException e) {
      throw new StoreException.Corrupt("pack " + file + " is damaged: " + e.getMessage(), e);
    }
  }

  /**
   * Reads one chunk: only its byte range, decompressed into at most its raw length, verified.
   *
   * @throws StoreException.Corrupt when the bytes do not decompress to exactly the raw length or do
   *     not match {@code id}
   */
  static byte[] readChunk(ChunkId id, Location location) throws IOException {
    PackLayout.Entry entry = location.entry();
    byte[] stored = new byte[entry.storedLength()];
    ByteBuffer buffer = ByteBuffer.wrap(stored);
    try (FileChannel channel = FileChannel.open(location.pack(), StandardOpenOption.READ)) {
      CollectionLog.readFully(channel, buffer, entry.offset());
    }
    try {
      if (buffer.hasRemaining()) {
        throw new StoreException.Corrupt("the pack ends before byte " + entry.offset());
      }
      return PackLayout.decodeChunk(entry, stored);
    } catch (PackFormatException | StoreException.Corrupt e) {
      throw new StoreException.Corrupt(
          "chunk "
              + id
              + " in pack "
              + location.pack()
              + " at byte "
              + entry.offset()
              + " is damaged: "
              + e.getMessage(),
          e);
    }
  }
}
