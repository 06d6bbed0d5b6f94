package dev.deltasync.sources.vcard;

import dev.deltasync.sources.records.SafeFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A .vcf file being edited in memory: the bytes read, cut into pieces (each entry, and the text
 * between entries), with the entries found by UID. Edits replace, remove or append whole entries;
 * every other byte stays as read. {@link #bytes()} is the edited content, which the source writes
 * with {@link SafeFiles#write} against {@link #base}.
 */
final class EditedFile {
  /** One entry: its piece, and what the file said about it when read. */
  record Entry(int piece, byte[] text, int line, boolean terminated) {}

  final Path path;

  /** The content as read; null when the file did not exist. */
  final byte @Nullable [] base;

  private final List<byte[]> pieces = new ArrayList<>();
  private final Map<String, Entry> byUid = new HashMap<>();
  private final Map<VCardVersion, Integer> versions = new EnumMap<>(VCardVersion.class);
  private final String lineEnding;
  private int entries;

  private EditedFile(Path path, byte @Nullable [] base) {
    this.path = path;
    this.base = base;
    byte[] bytes = base == null ? new byte[0] : base;
    ContactFile file = ContactFile.of(path, bytes);
    lineEnding = file.lineEnding();
    int at = 0;
    for (EntryText entry : file.entries) {
      pieces.add(slice(bytes, at, entry.start()));
      byte[] text = entry.bytes(bytes);
      EntryText.Header header = EntryText.header(text);
      if (header.uid() != null) {
        byUid.putIfAbsent(
            header.uid(), new Entry(pieces.size(), text, entry.line(), entry.terminated()));
      }
      if (header.version() != null) {
        versions.merge(header.version(), 1, Integer::sum);
      }
      pieces.add(text);
      entries++;
      at = entry.end();
    }
    pieces.add(slice(bytes, at, bytes.length));
  }

  /** The file at {@code path} as it is now (empty, with a null base, when it does not exist). */
  static EditedFile read(Path path) throws IOException {
    try {
      return new EditedFile(path, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      return new EditedFile(path, null);
    }
  }

  private static byte[] slice(byte[] bytes, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(bytes, from, out, 0, out.length);
    return out;
  }

  /** The first entry with {@code uid}, or null. */
  @Nullable Entry find(String uid) {
    return byUid.get(uid);
  }

  /** The entry with {@code uid} becomes {@code text}; null removes it. */
  void replace(String uid, Entry entry, byte @Nullable [] text) {
    if (text == null) {
      pieces.set(entry.piece(), new byte[0]);
      byUid.remove(uid);
      entries--;
    } else {
      pieces.set(entry.piece(), text);
      byUid.put(uid, new Entry(entry.piece(), text, entry.line(), true));
    }
  }

  /** Adds {@code text}, the entry of {@code uid}, at the end of the file on a line of its own. */
  void append(String uid, byte[] text) {
    for (int i = pieces.size() - 1; i >= 0; i--) {
      byte[] piece = pieces.get(i);
      if (piece.length > 0) {
        if (piece[piece.length - 1] != '\n') {
          pieces.add(lineEnding.getBytes(StandardCharsets.US_ASCII));
        }
        break;
      }
    }
    pieces.add(text);
    byUid.put(uid, new Entry(pieces.size() - 1, text, 0, true));
    entries++;
  }

  /** The version most entries of the file use; 3.0 for a file without any. */
  VCardVersion majority() {
    return VCardVersion.majority(versions);
  }

  String lineEnding() {
    return lineEnding;
  }

  /** Whether no entry is left (a vdir file then goes), ignoring blank text between entries. */
  boolean empty() {
    if (entries > 0) {
      return false;
    }
    for (byte[] piece : pieces) {
      for (byte b : piece) {
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
          return false;
        }
      }
    }
    return true;
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] piece : pieces) {
      out.write(piece, 0, piece.length);
    }
    return out.toByteArray();
  }
}
