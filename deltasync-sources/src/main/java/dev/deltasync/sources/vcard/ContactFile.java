package dev.deltasync.sources.vcard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one .vcf file cut into its vCard entries. Everything between entries (blank lines,
 * stray text, a byte order mark) is kept as it is; an edit replaces only the bytes of one entry.
 */
final class ContactFile {
  final Path path;
  final byte[] bytes;
  final List<EntryText> entries;

  private ContactFile(Path path, byte[] bytes, List<EntryText> entries) {
    this.path = path;
    this.bytes = bytes;
    this.entries = Collections.unmodifiableList(entries);
  }

  /** The entries of {@code bytes}, the content of the file at {@code path}. */
  static ContactFile of(Path path, byte[] bytes) {
    List<EntryText> entries = new ArrayList<>();
    int start = -1;
    int startLine = 0;
    int depth = 0;
    boolean afterAgent = false;
    int line = 0;
    for (int at = 0; at < bytes.length; ) {
      line++;
      int end = at;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      int next = end < bytes.length ? end + 1 : end;
      String content = lineText(bytes, at, end);
      boolean begin = content.equals("BEGIN:VCARD");
      if (start < 0) {
        if (begin) {
          start = at;
          startLine = line;
          depth = 1;
        }
      } else if (begin && afterAgent) {
        depth++; // 2.1: AGENT: followed by an embedded vCard
      } else if (begin) {
        entries.add(new EntryText(start, at, startLine, false)); // END:VCARD is missing
        start = at;
        startLine = line;
        depth = 1;
      } else if (content.equals("END:VCARD") && --depth == 0) {
        entries.add(new EntryText(start, next, startLine, true));
        start = -1;
      }
      afterAgent = content.endsWith(":") && "AGENT".equals(EntryText.propertyName(content));
      at = next;
    }
    if (start >= 0) {
      entries.add(new EntryText(start, bytes.length, startLine, false));
    }
    return new ContactFile(path, bytes, entries);
  }

  /** A line without its line ending and blanks, upper case, without a leading byte order mark. */
  private static String lineText(byte[] bytes, int from, int to) {
    if (to - from > 40) {
      return ""; // longer than any BEGIN or END line
    }
    String text = new String(bytes, from, to - from, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\uFEFF') {
        out.append(c);
      }
    }
    return out.toString().toUpperCase(Locale.ROOT);
  }

  /** The line ending the file uses (that of its first line), CRLF when it has none. */
  String lineEnding() {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return i > 0 && bytes[i - 1] == '\r' ? "\r\n" : "\n";
      }
    }
    return "\r\n";
  }

  /** The file with {@code entry} replaced by {@code text} (null: removed). */
  byte[] replace(EntryText entry, byte @Nullable [] text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 256);
    out.write(bytes, 0, entry.start());
    if (text != null) {
      out.write(text, 0, text.length);
    }
    out.write(bytes, entry.end(), bytes.length - entry.end());
    return out.toByteArray();
  }

  /**
   * The entry's text with a line {@code UID:uid} inserted after its VERSION line (or after BEGIN
   * when it has none), in the entry's line ending. {@code uid} is ASCII (a derived UUID).
   */
  static byte[] withUid(byte[] entry, String uid) {
    String text = new String(entry, StandardCharsets.ISO_8859_1); // byte-preserving
    int insertAt = -1;
    int lineStart = 0;
    String ending = "\r\n";
    while (lineStart < text.length()) {
      int newline = text.indexOf('\n', lineStart);
      int lineEnd = newline < 0 ? text.length() : newline + 1;
      String line = text.substring(lineStart, lineEnd);
      if (lineStart == 0) {
        insertAt = lineEnd;
        ending = line.endsWith("\r\n") ? "\r\n" : "\n";
      } else if ("VERSION".equals(EntryText.propertyName(line))) {
        insertAt = lineEnd;
        break;
      }
      lineStart = lineEnd;
    }
    String uidLine = "UID:" + ValueSyntax.escape(uid, true, true) + ending;
    String before = text.substring(0, insertAt);
    if (!before.endsWith("\n")) {
      before += ending;
    }
    String result = before + uidLine + text.substring(insertAt);
    byte[] out = new byte[result.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) result.charAt(i);
    }
    return out;
  }
}
