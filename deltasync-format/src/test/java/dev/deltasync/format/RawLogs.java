package dev.deltasync.format;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeSet;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Assembles containers byte by byte, bypassing the writer's checks, so tests can hand the reader
 * logs that a correct writer never produces.
 */
final class RawLogs {
  private RawLogs() {}

  /** A container whose sections are consistent with its header, holding any changes at all. */
  static byte[] withChanges(LogHeader header, List<Change> changes) {
    byte[] raw = ChangeSet.newBuilder().addAllChanges(changes).build().toByteArray();
    return withSections(header, changes.size(), raw, 0, new byte[0]);
  }

  /** A container with the given raw changes section and pack section; derived fields computed. */
  static byte[] withSections(
      LogHeader header, int changeCount, byte[] changesRaw, int chunkCount, byte[] pack) {
    boolean zstd = header.getCompression() == Compression.COMPRESSION_ZSTD;
    byte[] stored = zstd ? Zstd.compress(changesRaw, 3) : changesRaw;
    return withStored(header, changeCount, changesRaw.length, stored, chunkCount, pack);
  }

  /** A container with the given stored changes section, whatever it decompresses to. */
  static byte[] withStored(
      LogHeader header, int changeCount, long rawSize, byte[] stored, int chunkCount, byte[] pack) {
    LogHeader full =
        header.toBuilder()
            .setChangeCount(changeCount)
            .setChunkCount(chunkCount)
            .setChangesRawSize(rawSize)
            .setChangesStoredSize(stored.length)
            .setPackStoredSize(pack.length)
            .setChangesSha256(ByteString.copyFrom(Hashing.sha256().digest(stored)))
            .setPackSha256(ByteString.copyFrom(Hashing.sha256().digest(pack)))
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(frame(ContainerLayout.FORMAT_VERSION, 0, full.toByteArray()));
    out.writeBytes(stored);
    out.writeBytes(pack);
    return out.toByteArray();
  }

  /** Prefix, header bytes and a correct CRC-32C. */
  static byte[] frame(int version, int flags, byte[] header) {
    ByteBuffer buffer = ByteBuffer.allocate(ContainerLayout.PREFIX_BYTES + header.length + 4);
    buffer.put(ContainerLayout.MAGIC).putShort((short) version).putShort((short) flags);
    buffer.putInt(header.length).put(header);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    return buffer.array();
  }

  /** One pack-section entry; {@code id} is taken as given. */
  static byte[] chunkEntry(byte[] id, int codec, int rawLength, byte[] stored) {
    ByteBuffer buffer = ByteBuffer.allocate(ContainerLayout.CHUNK_ENTRY_HEAD_BYTES + stored.length);
    buffer.put(id).put((byte) codec).putInt(rawLength).putInt(stored.length).put(stored);
    return buffer.array();
  }
}
