package dev.deltasync.engine.snapshot;

import java.nio.charset.StandardCharsets;

/**
 * A 64-bit hash of strings and numbers for the scan's tables: FNV-1a over the UTF-16 code units,
 * then a final mix (MurmurHash3's). Not cryptographic; a collision costs at most a slower path or,
 * where callers accept it, one missed change until the next scan. Kept on disk only in the stat
 * index saved beside a snapshot ({@link StatIndex}), a cache: a change of this function needs a new
 * layout number there.
 */
public final class Hash64 {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hash64() {}

  public static long of(String text) {
    return finish(add(FNV_OFFSET, text));
  }

  /**
   * The hash of the text these UTF-8 bytes hold: the same as {@link #of(String)} of the decoded
   * text, computed without decoding when the bytes are all ASCII (one code unit each).
   */
  public static long ofUtf8(byte[] utf8) {
    return finish(addUtf8(FNV_OFFSET, utf8));
  }

  static long addUtf8(long h, byte[] utf8) {
    for (byte b : utf8) {
      if (b < 0) {
        return add(h, new String(utf8, StandardCharsets.UTF_8));
      }
    }
    for (byte b : utf8) {
      h ^= b;
      h *= FNV_PRIME;
    }
    return h;
  }

  static long add(long h, String text) {
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }

  static long add(long h, long value) {
    for (int shift = 0; shift < 64; shift += 16) {
      h ^= (value >>> shift) & 0xffff;
      h *= FNV_PRIME;
    }
    return h;
  }

  static long start() {
    return FNV_OFFSET;
  }

  public static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
