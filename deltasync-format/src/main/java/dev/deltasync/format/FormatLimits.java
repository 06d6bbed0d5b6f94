package dev.deltasync.format;

/**
 * Every bound a change-log reader enforces before it allocates or trusts anything. Writers refuse
 * to produce logs that break them. docs/format.md ("Limits") lists the same numbers.
 */
public final class FormatLimits {
  /** Largest encoded {@code LogHeader}. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  /** Most changes in one log; a writer with more splits them over several logs. */
  public static final int MAX_CHANGES_PER_LOG = 1_000_000;

  /** Largest changes section after decompression. */
  public static final int MAX_CHANGES_RAW_BYTES = 256 * 1024 * 1024;

  /** Largest changes section as stored (compressed or not). */
  public static final int MAX_CHANGES_STORED_BYTES = MAX_CHANGES_RAW_BYTES + 64 * 1024;

  /** Most chunks in the pack section of one log. */
  public static final int MAX_CHUNKS_PER_LOG = 1_000_000;

  /** Largest chunk, raw or stored. */
  public static final int MAX_CHUNK_BYTES = 8 * 1024 * 1024;

  /**
   * Largest pack section a reader accepts (64 GiB). {@link ChangeLogReader#nextChunk()} streams it
   * chunk by chunk; {@link ChangeLogWriter} builds it in one array (so below 2 GiB): bulk content
   * belongs in the store's packs, not in logs.
   */
  public static final long MAX_PACK_STORED_BYTES = 64L * 1024 * 1024 * 1024;

  /** Longest user, collection, device or item id, and any name or key, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  /** Longest path or symlink target in UTF-8 bytes. */
  public static final int MAX_PATH_BYTES = 4096;

  /** Longest property value, parameter value or binary value in bytes. */
  public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;

  /** Most chunk references in one file (64 GiB at the 16 KiB average chunk size). */
  public static final int MAX_CHUNKS_PER_FILE = 4 * 1024 * 1024;

  /** Deepest nesting of record components (VCALENDAR &gt; VEVENT &gt; VALARM is 3). */
  public static final int MAX_COMPONENT_DEPTH = 16;

  /** Protobuf message nesting allowed while parsing; covers {@link #MAX_COMPONENT_DEPTH}. */
  static final int MAX_MESSAGE_DEPTH = 2 * MAX_COMPONENT_DEPTH + 16;

  /** Length of a chunk id and of each section hash. */
  public static final int HASH_BYTES = 32;

  /** Length of a log id. */
  public static final int LOG_ID_BYTES = 16;

  private FormatLimits() {}
}
