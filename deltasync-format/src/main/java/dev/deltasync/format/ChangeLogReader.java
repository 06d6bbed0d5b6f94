package dev.deltasync.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeSet;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Reads a v1 change log from a stream, trusting nothing in it (docs/format.md).
 *
 * <p>{@link #open} reads and checks the prefix and the header only, so a store can check a log's
 * header without decoding its body. {@link #changes()} then reads, verifies (SHA-256), decompresses
 * and validates the changes section; {@link #nextChunk()} streams the pack section one verified
 * chunk at a time and, at its end, checks the pack hash and that nothing follows. Every length and
 * count is checked against {@link FormatLimits} before anything is allocated for it, and memory
 * grows only with bytes actually present in the input.
 *
 * <p>Not thread-safe. Every failure is a {@link ChangeLogFormatException} saying what is wrong and
 * at which byte, or the underlying stream's {@link IOException}.
 */
public final class ChangeLogReader implements Closeable {
  private static final HexFormat HEX = HexFormat.of();

  private final InputStream in;
  private final LogHeader header;
  private long position;
  private @Nullable List<Change> changes;
  private long chunksRead;
  private long packRead;
  private final MessageDigest packHash = Hashing.sha256();
  private final MessageDigest chunkHash = Hashing.sha256();
  private final Set<ByteString> chunkIds = new HashSet<>();
  private boolean finished;

  private ChangeLogReader(InputStream in) throws IOException {
    this.in = in;
    // Short input that already differs from the magic is not a log at all, not a truncated one.
    byte[] prefix = in.readNBytes(ContainerLayout.PREFIX_BYTES);
    int magicSeen = Math.min(prefix.length, ContainerLayout.MAGIC.length);
    if (!Arrays.equals(prefix, 0, magicSeen, ContainerLayout.MAGIC, 0, magicSeen)) {
      throw new ChangeLogFormatException(
          Problem.BAD_MAGIC,
          0,
          "not a deltasync change log: it starts with "
              + HEX.formatHex(prefix, 0, magicSeen)
              + " instead of "
              + HEX.formatHex(ContainerLayout.MAGIC));
    }
    position = prefix.length;
    if (prefix.length < ContainerLayout.PREFIX_BYTES) {
      throw truncated(ContainerLayout.PREFIX_BYTES - prefix.length, "the fixed prefix");
    }
    ByteBuffer fixed = ByteBuffer.wrap(prefix);
    int version = Short.toUnsignedInt(fixed.getShort(8));
    if (version != ContainerLayout.FORMAT_VERSION) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          8,
          "change log has format version "
              + version
              + "; this deltasync reads version "
              + ContainerLayout.FORMAT_VERSION
              + (version > ContainerLayout.FORMAT_VERSION ? ": upgrade deltasync to read it" : ""));
    }
    int flags = Short.toUnsignedInt(fixed.getShort(10));
    if (flags != 0) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          10,
          "change log sets container flags 0x"
              + Integer.toHexString(flags)
              + ", which version 1 does not define");
    }
    long headerLength = Integer.toUnsignedLong(fixed.getInt(12));
    if (headerLength == 0 || headerLength > FormatLimits.MAX_HEADER_BYTES) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          12,
          "header length " + headerLength + " is outside 1.." + FormatLimits.MAX_HEADER_BYTES);
    }
    byte[] headerBytes = readExactly((int) headerLength, "the header");
    byte[] crcBytes = readExactly(ContainerLayout.HEADER_CRC_BYTES, "the header checksum");
    CRC32C crc = new CRC32C();
    crc.update(prefix);
    crc.update(headerBytes);
    int expected = ByteBuffer.wrap(crcBytes).getInt();
    if ((int) crc.getValue() != expected) {
      throw new ChangeLogFormatException(
          Problem.CHECKSUM_MISMATCH,
          ContainerLayout.PREFIX_BYTES + headerLength,
          "header checksum (CRC-32C) does not match: the header is corrupt");
    }
    try {
      CodedInputStream coded = CodedInputStream.newInstance(headerBytes);
      coded.setRecursionLimit(4);
      header = LogHeader.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          ContainerLayout.PREFIX_BYTES,
          "header does not decode: " + e.getMessage(),
          e);
    }
    HeaderRules.checkDescriptive(header, ContainerLayout.PREFIX_BYTES);
    HeaderRules.checkDerived(header, ContainerLayout.PREFIX_BYTES);
  }

  /**
   * Reads and checks the prefix and header of the log at the start of {@code in}.
   *
   * @throws ChangeLogFormatException when they are truncated, corrupt or unsupported
   */
  public static ChangeLogReader open(InputStream in) throws IOException {
    return new ChangeLogReader(in);
  }

  /** Decodes a whole log held in memory, verifying everything; see {@link #decode(InputStream)}. */
  public static ChangeLog decode(byte[] bytes) throws ChangeLogFormatException {
    try (ChangeLogReader reader = open(new ByteArrayInputStream(bytes))) {
      return reader.readAll();
    } catch (ChangeLogFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("a ByteArrayInputStream does not fail", e);
    }
  }

  /**
   * Decodes a whole log from {@code in}, verifying everything, and checks the stream ends with it.
   * The chunks are held in memory: for large packs, use {@link #nextChunk()}.
   */
  public static ChangeLog decode(InputStream in) throws IOException {
    try (ChangeLogReader reader = open(in)) {
      return reader.readAll();
    }
  }

  private ChangeLog readAll() throws IOException {
    List<Change> all = changes();
    List<Chunk> chunks = new ArrayList<>();
    for (Chunk chunk = nextChunk(); chunk != null; chunk = nextChunk()) {
      chunks.add(chunk);
    }
    return new ChangeLog(header, all, chunks);
  }

  /** The header exactly as stored, checked against the format's rules. */
  public LogHeader header() {
    return header;
  }

  /**
   * Returns the changes, reading the changes section on the first call: its SHA-256 is verified
   * before it is decompressed, and each change is validated.
   */
  public List<Change> changes() throws IOException {
    List<Change> read = changes;
    if (read != null) {
      return read;
    }
    long sectionStart = position;
    int storedSize = (int) header.getChangesStoredSize();
    int rawSize = (int) header.getChangesRawSize();
    byte[] stored = readExactly(storedSize, "the changes section");
    if (!Arrays.equals(Hashing.sha256().digest(stored), header.getChangesSha256().toByteArray())) {
      throw new ChangeLogFormatException(
          Problem.CHECKSUM_MISMATCH,
          sectionStart,
          "changes section (bytes "
              + sectionStart
              + ".."
              + position
              + ") does not match its SHA-256 in the header: the log is corrupt");
    }
    byte[] raw =
        header.getCompression() == Compression.COMPRESSION_ZSTD
            ? inflate(stored, rawSize, sectionStart)
            : stored;
    ChangeSet set;
    try {
      CodedInputStream coded = CodedInputStream.newInstance(raw);
      coded.setRecursionLimit(FormatLimits.MAX_MESSAGE_DEPTH);
      set = ChangeSet.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED, sectionStart, "changes section does not decode: " + e.getMessage(), e);
    }
    String unknown = ChangeValidator.unknownFields(set, "changes section");
    if (unknown != null) {
      throw new ChangeLogFormatException(Problem.UNSUPPORTED, sectionStart, unknown);
    }
    if (set.getChangesCount() != header.getChangeCount()) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          sectionStart,
          "changes section holds "
              + set.getChangesCount()
              + " changes; the header declares "
              + Integer.toUnsignedString(header.getChangeCount()));
    }
    ChangeValidator.validate(set.getChangesList(), sectionStart);
    changes = set.getChangesList();
    return set.getChangesList();
  }

  /**
   * Returns the next chunk of the pack section, verified against its id, or {@code null} after the
   * last one — at which point the pack hash has been verified and the end of the input checked.
   * Reads the changes section first if that has not happened.
   */
  public @Nullable Chunk nextChunk() throws IOException {
    changes();
    if (finished) {
      return null;
    }
    if (chunksRead == Integer.toUnsignedLong(header.getChunkCount())) {
      finish();
      return null;
    }
    long entryStart = position;
    byte[] head =
        readExactly(ContainerLayout.CHUNK_ENTRY_HEAD_BYTES, "the head of chunk " + chunksRead);
    packHash.update(head);
    ByteBuffer fields = ByteBuffer.wrap(head);
    ByteString id = ByteString.copyFrom(head, 0, FormatLimits.HASH_BYTES);
    int codec = Byte.toUnsignedInt(fields.get(FormatLimits.HASH_BYTES));
    long rawLength = Integer.toUnsignedLong(fields.getInt(FormatLimits.HASH_BYTES + 1));
    long storedLength = Integer.toUnsignedLong(fields.getInt(FormatLimits.HASH_BYTES + 5));
    String where = "chunk " + chunksRead + " at byte " + entryStart;
    if (codec != ContainerLayout.CHUNK_CODEC_STORED && codec != ContainerLayout.CHUNK_CODEC_ZSTD) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          entryStart + FormatLimits.HASH_BYTES,
          where + " uses codec " + codec + ", which version 1 does not define");
    }
    if (rawLength == 0 || rawLength > FormatLimits.MAX_CHUNK_BYTES) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          entryStart + FormatLimits.HASH_BYTES + 1,
          where
              + " declares "
              + rawLength
              + " bytes; allowed are 1.."
              + FormatLimits.MAX_CHUNK_BYTES);
    }
    if (storedLength == 0
        || storedLength > FormatLimits.MAX_CHUNK_BYTES
        || (codec == ContainerLayout.CHUNK_CODEC_STORED && storedLength != rawLength)) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          entryStart + FormatLimits.HASH_BYTES + 5,
          where
              + " declares a stored length of "
              + storedLength
              + " for "
              + rawLength
              + " raw bytes");
    }
    packRead += head.length;
    if (packRead + storedLength > header.getPackStoredSize()) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          entryStart,
          where + " runs past the end of the pack section the header declares");
    }
    byte[] stored = readExactly((int) storedLength, "the data of chunk " + chunksRead);
    packHash.update(stored);
    packRead += storedLength;
    byte[] data =
        codec == ContainerLayout.CHUNK_CODEC_ZSTD
            ? inflateChunk(stored, (int) rawLength, where, entryStart)
            : stored;
    if (!MessageDigest.isEqual(chunkHash.digest(data), id.toByteArray())) {
      throw new ChangeLogFormatException(
          Problem.CHECKSUM_MISMATCH,
          entryStart,
          where + ": data does not match the chunk id " + HEX.formatHex(id.toByteArray()));
    }
    if (!chunkIds.add(id)) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          entryStart,
          where + " repeats chunk id " + HEX.formatHex(id.toByteArray()));
    }
    chunksRead++;
    return Chunk.newBuilder().setId(id).setData(ByteString.copyFrom(data)).build();
  }

  private void finish() throws IOException {
    if (packRead != header.getPackStoredSize()) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          position,
          "pack section ends after "
              + packRead
              + " bytes; the header declares "
              + header.getPackStoredSize());
    }
    if (!Arrays.equals(packHash.digest(), header.getPackSha256().toByteArray())) {
      throw new ChangeLogFormatException(
          Problem.CHECKSUM_MISMATCH,
          position,
          "pack section does not match its SHA-256 in the header: the log is corrupt");
    }
    if (in.read() >= 0) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          position,
          "unexpected bytes after the end of the change log at byte " + position);
    }
    finished = true;
  }

  private byte[] inflate(byte[] stored, int rawSize, long sectionStart)
      throws ChangeLogFormatException {
    // Output grows with the data actually produced and stops one byte past the declared size, so
    // a small input that expands to gigabytes costs no more than the declared (bounded) size.
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(rawSize, 1 << 20));
    byte[] buffer = new byte[64 * 1024];
    try (ZstdInputStreamNoFinalizer zin =
        new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(stored))) {
      long total = 0;
      int n;
      while ((n = zin.read(buffer, 0, (int) Math.min(buffer.length, rawSize + 1L - total))) > 0) {
        out.write(buffer, 0, n);
        total += n;
        if (total > rawSize) {
          throw new ChangeLogFormatException(
              Problem.LIMIT_EXCEEDED,
              sectionStart,
              "changes section decompresses to more than the "
                  + rawSize
                  + " bytes the header declares");
        }
      }
    } catch (ChangeLogFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          sectionStart,
          "changes section is not valid zstd data: " + e.getMessage(),
          e);
    }
    if (out.size() != rawSize) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          sectionStart,
          "changes section decompresses to "
              + out.size()
              + " bytes; the header declares "
              + rawSize);
    }
    return out.toByteArray();
  }

  private static byte[] inflateChunk(byte[] stored, int rawLength, String where, long offset)
      throws ChangeLogFormatException {
    // rawLength is at most MAX_CHUNK_BYTES, so this allocation is bounded.
    byte[] data = new byte[rawLength];
    long n;
    try {
      n = Zstd.decompressByteArray(data, 0, rawLength, stored, 0, stored.length);
    } catch (ZstdException e) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          offset,
          where + " is not valid zstd data for " + rawLength + " bytes: " + e.getMessage(),
          e);
    }
    if (n != rawLength) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          offset,
          where + " decompresses to " + n + " bytes; it declares " + rawLength);
    }
    return data;
  }

  private byte[] readExactly(int length, String what) throws IOException {
    // readNBytes grows its buffer as data arrives, so a lying length costs nothing up front.
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      position += bytes.length;
      throw truncated(length - bytes.length, what);
    }
    position += length;
    return bytes;
  }

  private ChangeLogFormatException truncated(long missing, String what) {
    return new ChangeLogFormatException(
        Problem.TRUNCATED,
        position,
        "change log truncated at byte "
            + position
            + ": "
            + what
            + " needs "
            + missing
            + " more bytes");
  }

  /** Closes the underlying stream. */
  @Override
  public void close() throws IOException {
    in.close();
  }
}
