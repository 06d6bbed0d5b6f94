package dev.deltasync.server;

import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.PackLayout;
import dev.deltasync.format.PackWriter;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/** Change logs and packs, made with the format module. */
final class TestLogs {
  private static final HexFormat HEX = HexFormat.of();

  private TestLogs() {}

  /** A log id from a writer number and a counter: (writer, n) are distinct for distinct pairs. */
  static byte[] logId(long writer, long n) {
    return ByteBuffer.allocate(16).putLong(writer).putLong(n).array();
  }

  static LogHeader.Builder header(String user, String collection, byte[] logId) {
    return LogHeader.newBuilder()
        .setUser(user)
        .setCollection(collection)
        .setOriginDevice("test-device")
        .setLogId(ByteString.copyFrom(logId))
        .setCreatedMillis(1_800_000_000_000L)
        .setCompression(Compression.COMPRESSION_NONE);
  }

  /** A log without changes. */
  static byte[] log(String user, String collection, byte[] logId) {
    return encode(new ChangeLog(header(user, collection, logId).build(), List.of(), List.of()));
  }

  /** A log carrying {@code chunks} as new content (so its size can be chosen). */
  static byte[] log(String user, String collection, byte[] logId, List<byte[]> chunks) {
    List<Chunk> carried = new ArrayList<>();
    for (byte[] chunk : chunks) {
      carried.add(
          Chunk.newBuilder()
              .setId(ByteString.copyFrom(sha256(chunk)))
              .setData(ByteString.copyFrom(chunk))
              .build());
    }
    return encode(new ChangeLog(header(user, collection, logId).build(), List.of(), carried));
  }

  static byte[] encode(ChangeLog log) {
    try {
      return ChangeLogWriter.encode(log);
    } catch (ChangeLogFormatException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A pack holding {@code chunks}, in order. */
  static byte[] pack(List<byte[]> chunks) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PackWriter writer = new PackWriter(out);
      for (byte[] chunk : chunks) {
        writer.add(ByteString.copyFrom(sha256(chunk)), chunk);
      }
      writer.finish();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A chunk as a pack stores it, whatever its bytes: to make packs the writer would refuse. */
  @SuppressWarnings("ArrayRecordComponent") // never compared as a record
  record RawChunk(byte[] id, int codec, int rawLength, byte[] stored) {}

  /** A pack laid out by hand (header, chunks, index, trailer), with a correct index checksum. */
  static byte[] rawPack(List<RawChunk> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'D', 'S', 'P', 'A', 'C', 'K', '\n'});
    out.writeBytes(ByteBuffer.allocate(8).putShort((short) 1).array());
    ByteBuffer index = ByteBuffer.allocate(chunks.size() * PackLayout.ENTRY_BYTES + 12);
    for (RawChunk chunk : chunks) {
      index.put(chunk.id()).put((byte) chunk.codec()).putInt(chunk.rawLength());
      index.putInt(chunk.stored().length).putLong(out.size());
      out.writeBytes(chunk.stored());
    }
    index.putInt(chunks.size()).putLong(out.size());
    CRC32C crc = new CRC32C();
    crc.update(index.array(), 0, index.position());
    out.writeBytes(index.array());
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    out.writeBytes(new byte[] {(byte) 0x89, 'D', 'S', 'P', 'I', 'D', 'X', '\n'});
    return out.toByteArray();
  }

  static byte[] random(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static String chunkId(byte[] chunk) {
    return hex(sha256(chunk));
  }
}
