package dev.deltasync.engine.store;

import com.google.protobuf.ByteString;
import dev.deltasync.format.FormatLimits;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The binary layout of a collection's {@code log-index} file (docs/directory-store.md, "The log
 * index"): a 16-byte header, then one fixed-size record per committed log, in sequence order.
 *
 * <pre>
 * header:  magic 89 44 53 4C 49 44 58 0A ("\x89DSLIDX\n") | u32 version = 1 | u32 record size = 36
 * record:  u64 sequence | 16-byte log id | u64 log size | u32 CRC-32C of the 32 bytes before it
 * </pre>
 *
 * All integers are big-endian.
 */
final class LogIndexFile {
  static final byte[] MAGIC = {(byte) 0x89, 'D', 'S', 'L', 'I', 'D', 'X', '\n'};
  static final int VERSION = 1;
  static final int HEADER_BYTES = 16;
  static final int RECORD_BYTES = 8 + FormatLimits.LOG_ID_BYTES + 8 + 4;

  /**
   * One committed log.
   *
   * @param sequence its sequence number
   * @param logId its 16-byte id
   * @param size its length in bytes
   */
  record IndexRecord(long sequence, ByteString logId, long size) {}

  private LogIndexFile() {}

  static byte[] header() {
    return ByteBuffer.allocate(HEADER_BYTES)
        .put(MAGIC)
        .putInt(VERSION)
        .putInt(RECORD_BYTES)
        .array();
  }

  /** Whether {@code bytes} (at least {@link #HEADER_BYTES}) start with the header this reads. */
  static boolean isHeader(byte[] bytes) {
    return bytes.length >= HEADER_BYTES
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        && ByteBuffer.wrap(bytes).getInt(8) == VERSION
        && ByteBuffer.wrap(bytes).getInt(12) == RECORD_BYTES;
  }

  /** The byte offset of the record for {@code sequence}. */
  static long offsetOf(long sequence) {
    return HEADER_BYTES + (sequence - 1) * RECORD_BYTES;
  }

  static ByteBuffer encode(IndexRecord record) {
    ByteBuffer buffer = ByteBuffer.allocate(RECORD_BYTES);
    buffer.putLong(record.sequence());
    record.logId().copyTo(buffer);
    buffer.putLong(record.size());
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    return buffer.flip();
  }

  /**
   * Decodes the record at {@code buffer}'s position (advancing it) when it is whole, intact and for
   * {@code expectedSequence}; otherwise returns null: the index ends before this record.
   */
  static @Nullable IndexRecord decode(ByteBuffer buffer, long expectedSequence) {
    if (buffer.remaining() < RECORD_BYTES) {
      return null;
    }
    int start = buffer.position();
    CRC32C crc = new CRC32C();
    crc.update(buffer.slice(start, RECORD_BYTES - 4));
    long sequence = buffer.getLong(start);
    long size = buffer.getLong(start + 8 + FormatLimits.LOG_ID_BYTES);
    int stored = buffer.getInt(start + RECORD_BYTES - 4);
    if ((int) crc.getValue() != stored || sequence != expectedSequence || size <= 0) {
      return null;
    }
    byte[] id = new byte[FormatLimits.LOG_ID_BYTES];
    buffer.get(start + 8, id);
    buffer.position(start + RECORD_BYTES);
    return new IndexRecord(sequence, ByteString.copyFrom(id), size);
  }
}
