package dev.deltasync.format;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.ChangeSet;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Encodes a {@link ChangeLog} into the v1 container (docs/format.md).
 *
 * <p>Encoding is deterministic: the same log (same header fields, changes and chunks, same
 * compression level) always gives the same bytes, because protobuf-java writes fields in number
 * order, the schema has no maps, and zstd runs single-threaded. The writer checks every rule a
 * reader checks, so it never produces a log that readers reject. Thread-safe: it keeps no state.
 */
public final class ChangeLogWriter {
  /** The zstd level used when a header asks for zstd but gives level 0. */
  public static final int DEFAULT_ZSTD_LEVEL = ContainerLayout.DEFAULT_ZSTD_LEVEL;

  private ChangeLogWriter() {}

  /**
   * Returns the encoded log.
   *
   * @throws ChangeLogFormatException when the log breaks a rule of the format (the message says
   *     which); nothing is produced then
   */
  public static byte[] encode(ChangeLog log) throws ChangeLogFormatException {
    Encoded encoded = prepare(log);
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.size());
    try {
      encoded.writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException("a ByteArrayOutputStream does not fail", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the encoded log to {@code out}; the stream is not closed or flushed.
   *
   * @throws ChangeLogFormatException when the log breaks a rule of the format; nothing is written
   * @throws IOException when {@code out} fails
   */
  public static void write(ChangeLog log, OutputStream out) throws IOException {
    prepare(log).writeTo(out);
  }

  /** Returns the header as it is written for {@code log}: derived fields filled in. */
  public static LogHeader headerOf(ChangeLog log) throws ChangeLogFormatException {
    return prepare(log).header();
  }

  private static Encoded prepare(ChangeLog log) throws ChangeLogFormatException {
    LogHeader given = log.header();
    LogHeader.Builder header = given.toBuilder();
    if (given.getCompression() == Compression.COMPRESSION_ZSTD
        && given.getCompressionLevel() == 0) {
      header.setCompressionLevel(DEFAULT_ZSTD_LEVEL);
    }
    HeaderRules.checkDescriptive(header.build(), -1);
    ChangeValidator.validate(log.changes(), -1);

    byte[] raw = ChangeSet.newBuilder().addAllChanges(log.changes()).build().toByteArray();
    if (raw.length > FormatLimits.MAX_CHANGES_RAW_BYTES) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          -1,
          "changes section would take "
              + raw.length
              + " bytes; the limit is "
              + FormatLimits.MAX_CHANGES_RAW_BYTES
              + ": split the changes over several logs");
    }
    byte[] stored =
        header.getCompression() == Compression.COMPRESSION_ZSTD
            ? Zstd.compress(raw, header.getCompressionLevel())
            : raw;
    byte[] pack = pack(log, header.getCompression(), header.getCompressionLevel());

    header
        .setChangeCount(log.changes().size())
        .setChunkCount(log.chunks().size())
        .setChangesRawSize(raw.length)
        .setChangesStoredSize(stored.length)
        .setPackStoredSize(pack.length)
        .setChangesSha256(ByteString.copyFrom(Hashing.sha256().digest(stored)))
        .setPackSha256(ByteString.copyFrom(Hashing.sha256().digest(pack)));
    LogHeader built = header.build();
    HeaderRules.checkDerived(built, -1);
    byte[] headerBytes = built.toByteArray();
    if (headerBytes.length > FormatLimits.MAX_HEADER_BYTES) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          -1,
          "header would take "
              + headerBytes.length
              + " bytes; the limit is "
              + FormatLimits.MAX_HEADER_BYTES);
    }
    return new Encoded(built, headerBytes, stored, pack);
  }

  private static byte[] pack(ChangeLog log, Compression compression, int level)
      throws ChangeLogFormatException {
    if (log.chunks().size() > FormatLimits.MAX_CHUNKS_PER_LOG) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          -1,
          "log carries "
              + log.chunks().size()
              + " chunks; the limit is "
              + FormatLimits.MAX_CHUNKS_PER_LOG);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Set<ByteString> seen = new HashSet<>();
    MessageDigest sha = Hashing.sha256();
    ByteBuffer head = ByteBuffer.allocate(ContainerLayout.CHUNK_ENTRY_HEAD_BYTES);
    for (int i = 0; i < log.chunks().size(); i++) {
      Chunk chunk = log.chunks().get(i);
      byte[] data = chunk.getData().toByteArray();
      if (data.length == 0 || data.length > FormatLimits.MAX_CHUNK_BYTES) {
        throw new ChangeLogFormatException(
            Problem.MALFORMED,
            -1,
            "chunk "
                + i
                + " has "
                + data.length
                + " bytes; allowed are 1.."
                + FormatLimits.MAX_CHUNK_BYTES);
      }
      if (!chunk.getId().equals(ByteString.copyFrom(sha.digest(data)))) {
        throw new ChangeLogFormatException(
            Problem.CHECKSUM_MISMATCH,
            -1,
            "chunk " + i + ": its id is not the SHA-256 of its data");
      }
      if (!seen.add(chunk.getId())) {
        throw new ChangeLogFormatException(
            Problem.MALFORMED, -1, "chunk " + i + " repeats the id of an earlier chunk");
      }
      // A chunk is stored compressed only when the log is, and when that makes it smaller.
      byte[] compressed =
          compression == Compression.COMPRESSION_ZSTD ? Zstd.compress(data, level) : data;
      boolean useZstd = compressed.length < data.length;
      byte[] payload = useZstd ? compressed : data;
      head.clear();
      chunk.getId().copyTo(head);
      head.put(
          (byte) (useZstd ? ContainerLayout.CHUNK_CODEC_ZSTD : ContainerLayout.CHUNK_CODEC_STORED));
      head.putInt(data.length);
      head.putInt(payload.length);
      out.write(head.array(), 0, head.position());
      out.write(payload, 0, payload.length);
    }
    return out.toByteArray();
  }

  /** The parts of an encoded log, ready to be written. */
  private record Encoded(LogHeader header, byte[] headerBytes, byte[] changes, byte[] pack) {
    int size() {
      return ContainerLayout.PREFIX_BYTES
          + headerBytes.length
          + ContainerLayout.HEADER_CRC_BYTES
          + changes.length
          + pack.length;
    }

    void writeTo(OutputStream out) throws IOException {
      ByteBuffer prefix =
          ByteBuffer.allocate(ContainerLayout.PREFIX_BYTES + headerBytes.length + 4);
      prefix.put(ContainerLayout.MAGIC);
      prefix.putShort((short) ContainerLayout.FORMAT_VERSION);
      prefix.putShort((short) 0);
      prefix.putInt(headerBytes.length);
      prefix.put(headerBytes);
      CRC32C crc = new CRC32C();
      crc.update(prefix.array(), 0, prefix.position());
      prefix.putInt((int) crc.getValue());
      out.write(prefix.array());
      out.write(changes);
      out.write(pack);
    }
  }
}
