package dev.deltasync.engine.store;

import com.google.protobuf.ByteString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** The id of a chunk of content: the SHA-256 of its raw bytes (format v1). Immutable. */
public final class ChunkId implements Comparable<ChunkId> {
  /** Length of an id in bytes. */
  public static final int BYTES = 32;

  private static final HexFormat HEX = HexFormat.of();
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Never used itself: each digest is a clone of it. */
  private static final MessageDigest SHA256 = lookUpDigest();

  private final byte[] bytes;
  private final int hash;

  private ChunkId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /**
   * Wraps 32 bytes (copied).
   *
   * @throws IllegalArgumentException when {@code bytes} is not 32 bytes long
   */
  public static ChunkId of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a chunk id has " + BYTES + " bytes, not " + bytes.length);
    }
    return new ChunkId(bytes.clone());
  }

  /** The id of a protobuf {@code bytes} field; see {@link #of(byte[])}. */
  public static ChunkId of(ByteString bytes) {
    return of(bytes.toByteArray());
  }

  /** Parses 64 hex digits. */
  public static ChunkId parse(String hex) {
    return of(HEX.parseHex(hex));
  }

  /** The id of {@code length} bytes of {@code data} from {@code offset}. */
  public static ChunkId sha256(byte[] data, int offset, int length) {
    MessageDigest digest = newDigest();
    digest.update(data, offset, length);
    return new ChunkId(digest.digest());
  }

  /** The id of {@code data}. */
  public static ChunkId sha256(byte[] data) {
    return sha256(data, 0, data.length);
  }

  /** A fresh SHA-256 digest; every Java platform has one. */
  public static MessageDigest newDigest() {
    try {
      return (MessageDigest) SHA256.clone(); // far cheaper than a lookup among the providers
    } catch (CloneNotSupportedException e) {
      return lookUpDigest();
    }
  }

  private static MessageDigest lookUpDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime lacks SHA-256, which every JDK has", e);
    }
  }

  /** The {@code index}th 8 bytes (0 to 3), big-endian: for {@link ChunkIdSet}. */
  long word(int index) {
    return (long) LONGS.get(bytes, index * Long.BYTES);
  }

  /** A copy of the 32 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  public ByteString toByteString() {
    return ByteString.copyFrom(bytes);
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChunkId id && Arrays.equals(bytes, id.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(ChunkId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** The hex form. */
  @Override
  public String toString() {
    return toHex();
  }
}
