package dev.deltasync.sources.ical;

import dev.deltasync.engine.snapshot.FileStat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The stat-cache fingerprint of one calendar item: its raw text (the VTIMEZONEs it references, then
 * its master and its overrides, exactly as in the file) as a {@link FileStat} — {@code size} the
 * text's length in bytes, {@code mtimeNanos} the first 8 bytes of its SHA-256 as a big-endian long,
 * {@code inode} 0. Equal fingerprints mean "the same text, do not parse again".
 */
final class Fingerprints {
  private Fingerprints() {}

  static FileStat of(byte[] text) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    byte[] hash = digest.digest(text);
    return new FileStat(text.length, ByteBuffer.wrap(hash).getLong(), 0);
  }
}
