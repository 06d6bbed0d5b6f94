package dev.deltasync.format;

import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.ChunkIdAlgorithm;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.Encryption;
import dev.deltasync.format.v1.LogHeader;
import org.jspecify.annotations.Nullable;

/** The rules a {@link LogHeader} obeys (docs/format.md, "Header fields"). */
final class HeaderRules {
  static final int MIN_ZSTD_LEVEL = -131072;
  static final int MAX_ZSTD_LEVEL = 22;

  private HeaderRules() {}

  /** Checks the fields a writer takes from its caller. */
  static void checkDescriptive(LogHeader header, long offset) throws ChangeLogFormatException {
    String p = ChangeValidator.unknownFields(header, "header");
    if (p != null) {
      throw new ChangeLogFormatException(Problem.UNSUPPORTED, offset, p);
    }
    if (header.getEncryption() != Encryption.ENCRYPTION_NONE) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          offset,
          "change log is encrypted (encryption "
              + header.getEncryptionValue()
              + "); this version of deltasync reads only unencrypted logs: upgrade deltasync");
    }
    if (header.getChunkIdAlgorithm() != ChunkIdAlgorithm.CHUNK_ID_SHA256) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          offset,
          "change log uses chunk-id algorithm "
              + header.getChunkIdAlgorithmValue()
              + "; this version of deltasync knows only SHA-256 (0): upgrade deltasync");
    }
    if (header.getCompression() == Compression.UNRECOGNIZED) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          offset,
          "change log uses compression "
              + header.getCompressionValue()
              + "; this version of deltasync knows none (0) and zstd (1): upgrade deltasync");
    }
    int level = header.getCompressionLevel();
    if (header.getCompression() == Compression.COMPRESSION_NONE && level != 0) {
      fail(offset, "compression level " + level + " is given but the log is not compressed");
    }
    if (level < MIN_ZSTD_LEVEL || level > MAX_ZSTD_LEVEL) {
      fail(offset, "zstd level " + level + " is outside " + MIN_ZSTD_LEVEL + ".." + MAX_ZSTD_LEVEL);
    }
    check(ChangeValidator.name(header.getUser(), "user"), offset);
    check(ChangeValidator.name(header.getCollection(), "collection"), offset);
    check(ChangeValidator.name(header.getOriginDevice(), "origin device"), offset);
    if (header.getLogId().size() != FormatLimits.LOG_ID_BYTES) {
      fail(
          offset,
          "log id has " + header.getLogId().size() + " bytes, not " + FormatLimits.LOG_ID_BYTES);
    }
    if (header.getBaseSequence() < 0) {
      fail(
          offset,
          "base sequence " + Long.toUnsignedString(header.getBaseSequence()) + " is above 2^63-1");
    }
    if (header.getCreatedMillis() < 0) {
      fail(offset, "created time " + header.getCreatedMillis() + " is before 1970");
    }
  }

  /** Checks the fields a writer derives: counts, sizes, hashes. */
  static void checkDerived(LogHeader header, long offset) throws ChangeLogFormatException {
    limit(
        header.getChangeCount() & 0xffffffffL,
        FormatLimits.MAX_CHANGES_PER_LOG,
        "change count",
        offset);
    limit(
        header.getChunkCount() & 0xffffffffL,
        FormatLimits.MAX_CHUNKS_PER_LOG,
        "chunk count",
        offset);
    limit(
        header.getChangesRawSize(),
        FormatLimits.MAX_CHANGES_RAW_BYTES,
        "changes section (decompressed)",
        offset);
    limit(
        header.getChangesStoredSize(),
        FormatLimits.MAX_CHANGES_STORED_BYTES,
        "changes section (stored)",
        offset);
    limit(header.getPackStoredSize(), FormatLimits.MAX_PACK_STORED_BYTES, "pack section", offset);
    if (header.getCompression() == Compression.COMPRESSION_NONE
        && header.getChangesRawSize() != header.getChangesStoredSize()) {
      fail(offset, "changes section is not compressed, yet its raw and stored sizes differ");
    }
    if (header.getChangesSha256().size() != FormatLimits.HASH_BYTES
        || header.getPackSha256().size() != FormatLimits.HASH_BYTES) {
      fail(offset, "section hashes must have " + FormatLimits.HASH_BYTES + " bytes");
    }
    if (header.getChunkCount() == 0 && header.getPackStoredSize() != 0) {
      fail(offset, "pack section has bytes but no chunks");
    }
    if (header.getPackStoredSize()
        < (header.getChunkCount() & 0xffffffffL) * (ContainerLayout.CHUNK_ENTRY_HEAD_BYTES + 1)) {
      fail(offset, "pack section is too small for " + header.getChunkCount() + " chunks");
    }
  }

  private static void limit(long value, long max, String what, long offset)
      throws ChangeLogFormatException {
    if (value < 0 || value > max) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          offset,
          "header declares a "
              + what
              + " of "
              + Long.toUnsignedString(value)
              + "; the limit is "
              + max);
    }
  }

  private static void check(@Nullable String problem, long offset) throws ChangeLogFormatException {
    if (problem != null) {
      fail(offset, "header: " + problem);
    }
  }

  private static void fail(long offset, String message) throws ChangeLogFormatException {
    throw new ChangeLogFormatException(
        Problem.MALFORMED, offset, message.startsWith("header") ? message : "header: " + message);
  }
}
