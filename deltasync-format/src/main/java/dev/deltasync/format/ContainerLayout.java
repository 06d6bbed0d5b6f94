package dev.deltasync.format;

/** Fixed parts of the v1 container; docs/format.md, "Container layout". */
final class ContainerLayout {
  /** {@code 89 44 53 4C 4F 47 0D 0A}: a high byte, "DSLOG", CR LF. */
  static final byte[] MAGIC = {(byte) 0x89, 'D', 'S', 'L', 'O', 'G', '\r', '\n'};

  static final int FORMAT_VERSION = 1;

  /** magic (8) + version (2) + flags (2) + header length (4). */
  static final int PREFIX_BYTES = 16;

  /** CRC-32C over the prefix and the header. */
  static final int HEADER_CRC_BYTES = 4;

  /** chunk id (32) + codec (1) + raw length (4) + stored length (4). */
  static final int CHUNK_ENTRY_HEAD_BYTES = FormatLimits.HASH_BYTES + 1 + 4 + 4;

  static final int CHUNK_CODEC_STORED = 0;
  static final int CHUNK_CODEC_ZSTD = 1;

  /** The zstd level writers use unless told otherwise. */
  static final int DEFAULT_ZSTD_LEVEL = 3;

  private ContainerLayout() {}
}
