package dev.deltasync.sources.ical;

import dev.deltasync.engine.snapshot.FileStat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The layout of one iCalendar file: its logical (unfolded) lines with their byte spans, cut into
 * blocks — the top-level components and the glue between them (BEGIN/END:VCALENDAR, calendar
 * properties, blank lines) — and the items: the VEVENTs and VTODOs grouped by UID. Nothing is
 * parsed beyond what finding UIDs, RECURRENCE-IDs and TZID references needs; every byte of the file
 * belongs to exactly one block, so untouched blocks can be written back exactly.
 */
final class CalendarText {
  /**
   * One logical line.
   *
   * @param start byte offset of its first physical line
   * @param end byte offset after its last physical line's terminator
   * @param number the 1-based number of its first physical line
   * @param text the unfolded text, without line terminator
   */
  record Line(int start, int end, int number, String text) {}

  enum Kind {
    GLUE,
    TIMEZONE,
    /** A VEVENT or VTODO. */
    OBJECT,
    /** Any other component (VJOURNAL, VFREEBUSY, X-...): kept, never synced. */
    OTHER
  }

  /** A run of lines: a top-level component, or glue. */
  static final class Block {
    final Kind kind;
    final String name;
    final int firstLine;
    final int endLine;
    final int start;
    final int end;
    @Nullable String uid;
    boolean override;
    @Nullable String tzid;
    final Set<String> tzRefs = new LinkedHashSet<>();

    /** What is wrong with the block's structure (unterminated, mismatched END), or null. */
    @Nullable String structureProblem;

    Block(Kind kind, String name, int firstLine, int endLine, int start, int end) {
      this.kind = kind;
      this.name = name;
      this.firstLine = firstLine;
      this.endLine = endLine;
      this.start = start;
      this.end = end;
    }
  }

  /** One item: the blocks of one UID. */
  static final class ItemText {
    final String uid;
    final String name;
    @Nullable Block master;
    final List<Block> overrides = new ArrayList<>();
    final List<Block> timezones = new ArrayList<>();

    /** Why the item cannot be read (with file and line), or null. */
    @Nullable String problem;

    byte[] text = new byte[0];
    FileStat fingerprint = Fingerprints.of(text);

    ItemText(String uid, String name) {
      this.uid = uid;
      this.name = name;
    }

    /** The master, then the overrides in file order. */
    List<Block> parts() {
      List<Block> parts = new ArrayList<>(1 + overrides.size());
      if (master != null) {
        parts.add(master);
      }
      parts.addAll(overrides);
      return parts;
    }
  }

  final Path file;
  final byte[] bytes;
  final List<Line> lines;
  final List<Block> blocks;

  /** Where new items go: the start of the last END:VCALENDAR line, or -1 when there is none. */
  final int insertAt;

  /** The items by UID, in the order of their first block. */
  final Map<String, ItemText> items = new LinkedHashMap<>();

  /** The first VTIMEZONE of each TZID. */
  final Map<String, Block> timezones = new HashMap<>();

  /** What cannot be synced in this file, each with file and line. */
  final List<String> problems = new ArrayList<>();

  /** Events and to-dos in the file without a UID (not synced). */
  int withoutUid;

  private CalendarText(
      Path file, byte[] bytes, List<Line> lines, List<Block> blocks, int insertAt) {
    this.file = file;
    this.bytes = bytes;
    this.lines = lines;
    this.blocks = blocks;
    this.insertAt = insertAt;
  }

  static CalendarText parse(Path file, byte[] bytes) {
    List<Line> lines = unfold(bytes);
    List<Block> blocks = new ArrayList<>();
    int insertAt = cut(lines, blocks);
    CalendarText text = new CalendarText(file, bytes, lines, blocks, insertAt);
    text.describeBlocks();
    text.groupItems();
    return text;
  }

  /** "file:line" for messages. */
  String where(int lineNumber) {
    return file + ":" + lineNumber;
  }

  /** The raw bytes of a block. */
  byte[] bytesOf(Block block) {
    return java.util.Arrays.copyOfRange(bytes, block.start, block.end);
  }

  /** Splits into logical lines: a physical line starting with a space or a tab continues one. */
  private static List<Line> unfold(byte[] bytes) {
    List<Line> lines = new ArrayList<>(bytes.length / 40 + 1);
    int pos = 0;
    int number = 1;
    int lineStart = -1;
    int lineNumber = 0;
    int firstContentEnd = 0;
    ByteArrayOutputStream folded = null;
    while (pos < bytes.length) {
      int eol = pos;
      while (eol < bytes.length && bytes[eol] != '\n') {
        eol++;
      }
      int next = Math.min(eol + 1, bytes.length);
      int contentEnd = eol > pos && bytes[eol - 1] == '\r' ? eol - 1 : eol;
      boolean continuation = lineStart >= 0 && (bytes[pos] == ' ' || bytes[pos] == '\t');
      if (continuation) {
        if (folded == null) {
          folded = new ByteArrayOutputStream();
          folded.write(bytes, lineStart, firstContentEnd - lineStart);
        }
        folded.write(bytes, pos + 1, Math.max(0, contentEnd - pos - 1));
      } else {
        if (lineStart >= 0) {
          lines.add(line(bytes, lineStart, pos, lineNumber, firstContentEnd, folded));
        }
        lineStart = pos;
        lineNumber = number;
        firstContentEnd = contentEnd;
        folded = null;
      }
      pos = next;
      number++;
    }
    if (lineStart >= 0) {
      lines.add(line(bytes, lineStart, pos, lineNumber, firstContentEnd, folded));
    }
    return lines;
  }

  private static Line line(
      byte[] bytes,
      int start,
      int end,
      int number,
      int firstContentEnd,
      @Nullable ByteArrayOutputStream folded) {
    String text =
        folded == null
            ? new String(bytes, start, firstContentEnd - start, StandardCharsets.UTF_8)
            : folded.toString(StandardCharsets.UTF_8);
    if (start == 0 && text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return new Line(start, end, number, text);
  }

  private static final Set<String> NOT_NESTABLE =
      Set.of("VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE");

  /** Cuts the lines into blocks; returns where new items go. */
  private static int cut(List<Line> lines, List<Block> blocks) {
    int insertAt = -1;
    int glueStart = 0;
    int i = 0;
    while (i < lines.size()) {
      Line line = lines.get(i);
      String begin = componentOf(line.text(), "BEGIN:");
      if (begin == null || begin.equals("VCALENDAR")) {
        if (begin == null && "VCALENDAR".equals(componentOf(line.text(), "END:"))) {
          insertAt = line.start();
        }
        i++;
        continue;
      }
      if (glueStart < i) {
        blocks.add(glue(lines, glueStart, i));
      }
      int first = i;
      List<String> open = new ArrayList<>();
      open.add(begin);
      String problem = null;
      int end = -1;
      i++;
      while (i < lines.size() && end < 0) {
        String text = lines.get(i).text();
        String nested = componentOf(text, "BEGIN:");
        String closed = nested == null ? componentOf(text, "END:") : null;
        if ((nested != null && NOT_NESTABLE.contains(nested)) || "VCALENDAR".equals(closed)) {
          problem =
              "BEGIN:" + begin + " has no END:" + begin + " before line " + lines.get(i).number();
          end = i; // the line starts something else; it is not part of this block
        } else if (nested != null) {
          open.add(nested);
          i++;
        } else if (closed != null) {
          if (closed.equals(open.get(open.size() - 1))) {
            open.remove(open.size() - 1);
          } else if (closed.equals(begin)) {
            problem =
                "END:"
                    + begin
                    + " at line "
                    + lines.get(i).number()
                    + " closes it before END:"
                    + open.get(open.size() - 1);
            open.clear();
          } else {
            problem = "END:" + closed + " at line " + lines.get(i).number() + " matches no BEGIN";
          }
          i++;
          if (open.isEmpty()) {
            end = i;
          }
        } else {
          i++;
        }
      }
      if (end < 0) {
        problem = "BEGIN:" + begin + " has no END:" + begin + " before the end of the file";
        end = i;
      }
      Kind kind =
          switch (begin) {
            case "VTIMEZONE" -> Kind.TIMEZONE;
            case "VEVENT", "VTODO" -> Kind.OBJECT;
            default -> Kind.OTHER;
          };
      Block block =
          new Block(kind, begin, first, end, lines.get(first).start(), lines.get(end - 1).end());
      block.structureProblem = problem;
      blocks.add(block);
      glueStart = end;
      i = end;
    }
    if (glueStart < lines.size()) {
      blocks.add(glue(lines, glueStart, lines.size()));
    }
    return insertAt;
  }

  private static Block glue(List<Line> lines, int from, int to) {
    return new Block(Kind.GLUE, "", from, to, lines.get(from).start(), lines.get(to - 1).end());
  }

  /** The upper-case component name when {@code text} is {@code keyword + name}, else null. */
  static @Nullable String componentOf(String text, String keyword) {
    if (!text.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return null;
    }
    String name = text.substring(keyword.length()).trim().toUpperCase(Locale.ROOT);
    return name.isEmpty() ? null : name;
  }

  /** Finds each block's UID, RECURRENCE-ID, TZID and TZID references from its lines. */
  private void describeBlocks() {
    for (Block block : blocks) {
      int depth = block.kind == Kind.GLUE ? -1 : 0;
      for (int i = block.firstLine; i < block.endLine; i++) {
        String text = lines.get(i).text();
        if (componentOf(text, "BEGIN:") != null) {
          depth++;
          continue;
        }
        if (componentOf(text, "END:") != null) {
          depth--;
          continue;
        }
        String name = ContentLine.nameOf(text);
        if (depth == 1) {
          if (name.equals("UID") && block.uid == null) {
            block.uid = rawValue(text);
          } else if (name.equals("RECURRENCE-ID")) {
            block.override = true;
          } else if (name.equals("TZID") && block.kind == Kind.TIMEZONE && block.tzid == null) {
            block.tzid = rawValue(text);
          }
        }
        if (block.kind != Kind.TIMEZONE && containsTzidParam(text)) {
          try {
            for (ContentLine.Param param : ContentLine.parse(text).params()) {
              if (param.name().equalsIgnoreCase("TZID")) {
                block.tzRefs.addAll(param.values());
              }
            }
          } catch (ContentLine.MalformedLineException e) {
            // Reported when the block is parsed.
          }
        }
      }
      if (block.kind == Kind.TIMEZONE && block.tzid != null) {
        timezones.putIfAbsent(block.tzid, block);
      }
    }
  }

  private static boolean containsTzidParam(String text) {
    int colon = text.indexOf(':');
    int semicolon = text.indexOf(';');
    if (semicolon < 0 || (colon >= 0 && colon < semicolon)) {
      return false;
    }
    return text.toUpperCase(Locale.ROOT).contains("TZID=");
  }

  /** The value of a content line: after the first colon outside quotes. */
  private static @Nullable String rawValue(String text) {
    try {
      return ContentLine.parse(text).value();
    } catch (ContentLine.MalformedLineException e) {
      int colon = text.indexOf(':');
      return colon < 0 ? null : text.substring(colon + 1);
    }
  }

  private void groupItems() {
    for (Block block : blocks) {
      if (block.kind != Kind.OBJECT) {
        continue;
      }
      int lineNumber = lines.get(block.firstLine).number();
      String uid = block.uid;
      if (uid == null || uid.isEmpty()) {
        withoutUid++;
        problems.add(
            where(lineNumber)
                + ": a "
                + block.name
                + " without UID is not synced; it is kept in the file as it is. Give it a UID"
                + " property to sync it.");
        continue;
      }
      ItemText item = items.computeIfAbsent(uid, u -> new ItemText(u, block.name));
      if (!item.name.equals(block.name)) {
        item.problem =
            where(lineNumber)
                + ": UID "
                + uid
                + " names both a "
                + item.name
                + " and a "
                + block.name;
      }
      if (block.override) {
        item.overrides.add(block);
      } else if (item.master == null) {
        item.master = block;
      } else {
        problems.add(
            where(lineNumber)
                + ": duplicate UID "
                + uid
                + " (the first "
                + item.name
                + " with it is at line "
                + lines.get(item.master.firstLine).number()
                + "); this second one is not synced and is kept in the file as it is. Give it"
                + " another UID or delete one of the two.");
        continue;
      }
      if (block.structureProblem != null && item.problem == null) {
        item.problem = where(lineNumber) + ": " + block.structureProblem;
      }
    }
    for (ItemText item : items.values()) {
      Set<String> refs = new LinkedHashSet<>();
      for (Block part : item.parts()) {
        refs.addAll(part.tzRefs);
      }
      for (String tzid : refs) {
        Block zone = timezones.get(tzid);
        if (zone != null) {
          item.timezones.add(zone);
        }
      }
      item.timezones.sort(java.util.Comparator.comparingInt(b -> b.start));
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      for (Block block : item.timezones) {
        text.write(bytes, block.start, block.end - block.start);
      }
      for (Block block : item.parts()) {
        text.write(bytes, block.start, block.end - block.start);
      }
      item.text = text.toByteArray();
      item.fingerprint = Fingerprints.of(item.text);
    }
  }

  /**
   * The TZIDs referenced by every block but those in {@code except}, calendar properties (glue)
   * included.
   */
  Set<String> referencedTimezones(Collection<Block> except) {
    Set<String> refs = new LinkedHashSet<>();
    for (Block block : blocks) {
      if (block.kind != Kind.TIMEZONE && !except.contains(block)) {
        refs.addAll(block.tzRefs);
      }
    }
    return refs;
  }

  /** Whether the file holds any component but VTIMEZONEs. */
  boolean holdsComponents() {
    for (Block block : blocks) {
      if (block.kind == Kind.OBJECT || block.kind == Kind.OTHER) {
        return true;
      }
    }
    return false;
  }
}
