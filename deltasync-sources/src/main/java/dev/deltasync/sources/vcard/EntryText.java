package dev.deltasync.sources.vcard;

import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.store.ChunkId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The raw text of one vCard entry in a file, from its BEGIN:VCARD line to the line ending after
 * END:VCARD, and what can be seen of it without parsing.
 *
 * @param start offset of its first byte in the file
 * @param end offset after its last byte
 * @param line the line number of BEGIN:VCARD (1 = first line of the file)
 * @param terminated false when the file ended, or another contact began, before END:VCARD
 */
record EntryText(int start, int end, int line, boolean terminated) {
  byte[] bytes(byte[] file) {
    byte[] out = new byte[end - start];
    System.arraycopy(file, start, out, 0, out.length);
    return out;
  }

  /**
   * The stat-cache fingerprint of an entry's text: {@code size} = its length in bytes, {@code
   * mtimeNanos} = the first 8 bytes of its SHA-256 as a big-endian long, {@code inode} = 0. Equal
   * fingerprints mean the text is (with overwhelming probability) the same.
   */
  static FileStat fingerprint(byte[] text) {
    MessageDigest digest = ChunkId.newDigest();
    digest.update(text);
    return new FileStat(text.length, ByteBuffer.wrap(digest.digest()).getLong(), 0);
  }

  /** The UID and VERSION of an entry, read from its lines without parsing it (null: none). */
  record Header(@Nullable String uid, @Nullable VCardVersion version) {}

  /**
   * Finds the first UID and VERSION lines (unfolded; group and parameters ignored). A UID found
   * here is the one the parser finds in all but contrived cases; it is only used to look up the
   * snapshot, which a wrong guess cannot corrupt.
   */
  static Header header(byte[] text) {
    String uid = null;
    String versionText = null;
    String all = new String(text, StandardCharsets.UTF_8);
    String[] lines = all.split("\r\n|\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      StringBuilder line = new StringBuilder(lines[i]);
      while (i + 1 < lines.length
          && !lines[i + 1].isEmpty()
          && (lines[i + 1].charAt(0) == ' ' || lines[i + 1].charAt(0) == '\t')) {
        line.append(lines[++i], 1, lines[i].length());
      }
      String name = propertyName(line);
      int colon = line.indexOf(":");
      if (name == null || colon < 0) {
        continue;
      }
      if (uid == null && name.equals("UID")) {
        String value = ValueSyntax.unescape(line.substring(colon + 1));
        uid = value.isEmpty() ? null : value;
      } else if (versionText == null && name.equals("VERSION")) {
        versionText = line.substring(colon + 1);
      }
    }
    return new Header(uid, VCardVersion.of(versionText));
  }

  /** The upper-case property name of a content line (without group), or null. */
  static @Nullable String propertyName(CharSequence line) {
    int end = 0;
    int start = 0;
    while (end < line.length()) {
      char c = line.charAt(end);
      if (c == '.') {
        start = end + 1;
      } else if (c == ';' || c == ':') {
        break;
      }
      end++;
    }
    if (end == line.length() || start >= end) {
      return null;
    }
    return line.subSequence(start, end).toString().trim().toUpperCase(Locale.ROOT);
  }
}
