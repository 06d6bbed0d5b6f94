package dev.deltasync.sources.ical;

import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.format.v1.Component;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The puts and removes of one sync into a single calendar file, held in memory and written in one
 * pass by {@link #bytes()}. A put or remove costs the size of its item, not of the file: the file
 * as it was read ({@link #base}) is never copied until then.
 *
 * <p>The result is the file that {@link CalendarEdit} would give applied once per change, each on
 * the file the change before wrote: an item is rendered in place of its first component (a new one
 * before the last END:VCALENDAR, in the order of the puts), a VTIMEZONE the file has (or an earlier
 * put of the batch brought) is not written again, and one that the changed item was the last to
 * reference is dropped. The one difference: a component of a record that is neither VTIMEZONE,
 * VEVENT nor VTODO is replaced with its item here, where {@link CalendarEdit} would leave it
 * behind.
 *
 * <p>{@link #put} returns the fingerprint the next scan computes for the item, and {@link #find}
 * sees every change made so far. Not thread-safe.
 */
final class CalendarBatch {
  /** Rendered text placed at one offset of the base file, before the base bytes there. */
  private static final class Slot {
    final int offset;

    /** Its index among the slots at its offset (only the insertion point has several). */
    final int order;

    final List<Piece> pieces = new ArrayList<>(2);

    Slot(int offset, int order) {
      this.offset = offset;
      this.order = order;
    }
  }

  /** One rendered VTIMEZONE, or the rendered components of one item. */
  private static final class Piece {
    final Slot slot;
    final byte[] bytes;

    /** The TZID references of each component but VTIMEZONEs. */
    final List<Set<String>> references;

    boolean live = true;

    Piece(Slot slot, byte[] bytes, List<Set<String>> references) {
      this.slot = slot;
      this.bytes = bytes;
      this.references = references;
    }
  }

  /** A VTIMEZONE of the file: a block of the base file or a rendered piece. */
  private static final class Zone {
    final String tzid;
    final CalendarText.@Nullable Block block;
    final @Nullable Piece piece;
    boolean live = true;

    Zone(String tzid, CalendarText.@Nullable Block block, @Nullable Piece piece) {
      this.tzid = tzid;
      this.block = block;
      this.piece = piece;
    }
  }

  /** An item put in this batch: its piece and its text as the next scan reads it. */
  private record Pending(Piece piece, byte[] seen) {}

  /** The file as it was read. */
  final CalendarText base;

  /** Whether the file existed when it was read; if not, {@link #base} is empty. */
  final boolean existed;

  private final int insertAt;
  private final Map<Integer, List<Slot>> slots = new HashMap<>();
  private final Map<Integer, CalendarText.Block> cut = new HashMap<>();

  /** The VTIMEZONEs of each TZID, in file order; the first live one is the one in use. */
  private final Map<String, List<Zone>> zones = new HashMap<>();

  /** How many components but VTIMEZONEs (calendar properties too) reference each TZID. */
  private final Map<String, Integer> references = new HashMap<>();

  private final Map<String, Pending> pending = new HashMap<>();

  /** The UIDs whose base item is gone (removed, or replaced by a pending one). */
  private final Set<String> removed = new HashSet<>();

  private boolean changed;

  CalendarBatch(CalendarText base, boolean existed) {
    this.base = base;
    this.existed = existed;
    this.insertAt = base.insertAt >= 0 ? base.insertAt : base.bytes.length;
    for (CalendarText.Block block : base.blocks) {
      if (block.kind == CalendarText.Kind.TIMEZONE) {
        String tzid = block.tzid;
        if (tzid != null) {
          zones.computeIfAbsent(tzid, t -> new ArrayList<>()).add(new Zone(tzid, block, null));
        }
      } else {
        count(block.tzRefs, 1);
      }
    }
  }

  /** Whether anything was put or removed since the batch began. */
  boolean changed() {
    return changed;
  }

  /** The item with {@code uid} as it is now, with this batch's changes; null when there is none. */
  ICalSource.@Nullable Located find(String uid) {
    Pending put = pending.get(uid);
    if (put != null) {
      CalendarText text = CalendarText.parse(base.file, put.seen());
      CalendarText.ItemText item = text.items.get(uid);
      return item == null ? null : new ICalSource.Located(text, item);
    }
    CalendarText.ItemText item = removed.contains(uid) ? null : base.items.get(uid);
    return item == null ? null : new ICalSource.Located(base, item);
  }

  /**
   * Puts {@code record} as the item {@code uid}, replacing its current version.
   *
   * @return the fingerprint of the item's text as the next scan will read it
   * @throws IOException when the record holds no VEVENT or VTODO; nothing is changed then
   */
  FileStat put(String uid, Component record) throws IOException {
    List<Component> recordZones = new ArrayList<>();
    StringBuilder parts = new StringBuilder();
    Set<String> newRefs = new LinkedHashSet<>();
    for (Component sub : record.getComponentsList()) {
      if (sub.getName().equals("VTIMEZONE")) {
        recordZones.add(sub);
      } else {
        CalendarEdit.tzRefs(sub, newRefs);
        RecordWriter.render(RecordWriter.withUid(sub, uid), parts);
      }
    }
    byte[] partBytes = RecordWriter.utf8(parts.toString());
    CalendarText partText = CalendarText.parse(base.file, partBytes);
    CalendarText.ItemText partItem = partText.items.get(uid);
    if (partItem == null) {
      throw new IOException(
          "cannot write the item with UID " + uid + " into " + base.file + ": no VEVENT or VTODO");
    }
    List<byte[]> newZones = new ArrayList<>();
    Set<String> written = new HashSet<>();
    for (Component zone : recordZones) {
      String tzid = CalendarEdit.tzidOf(zone);
      if (tzid != null && newRefs.contains(tzid) && current(tzid) == null && written.add(tzid)) {
        newZones.add(RecordWriter.utf8(RecordWriter.render(zone)));
      }
    }

    ICalSource.Located old = find(uid);
    List<Zone> oldZones = zonesOf(old);
    Slot slot;
    int at;
    Pending previous = pending.get(uid);
    if (previous != null) {
      previous.piece().live = false;
      countAll(previous.piece().references, -1);
      slot = previous.piece().slot;
      at = slot.pieces.indexOf(previous.piece());
    } else if (old != null) {
      slot = newSlot(cutItem(old.item()));
      at = 0;
    } else {
      slot = newSlot(insertAt);
      at = 0;
    }
    for (byte[] zoneBytes : newZones) {
      Piece piece = new Piece(slot, zoneBytes, List.of());
      slot.pieces.add(at++, piece);
      for (String tzid : CalendarText.parse(base.file, zoneBytes).timezones.keySet()) {
        List<Zone> ofTzid = zones.computeIfAbsent(tzid, t -> new ArrayList<>());
        ofTzid.removeIf(z -> !z.live);
        ofTzid.add(new Zone(tzid, null, piece));
      }
    }
    Piece piece = new Piece(slot, partBytes, referencesOf(partText));
    slot.pieces.add(at, piece);
    countAll(piece.references, 1);
    drop(oldZones);

    ByteArrayOutputStream seen = new ByteArrayOutputStream(partBytes.length + 1024);
    List<Zone> used = zonesOf(partItem);
    used.sort(Comparator.comparing(CalendarBatch::position, CalendarBatch::compare));
    for (Zone zone : used) {
      seen.writeBytes(bytesOf(zone));
    }
    seen.writeBytes(partBytes);
    byte[] seenBytes = seen.toByteArray();
    CalendarText.ItemText seenItem = CalendarText.parse(base.file, seenBytes).items.get(uid);
    if (seenItem == null) {
      throw new IllegalStateException("the item " + uid + " is in its text");
    }
    pending.put(uid, new Pending(piece, seenBytes));
    removed.add(uid);
    changed = true;
    return seenItem.fingerprint;
  }

  /** Removes the item {@code uid}; nothing happens when there is none. */
  void remove(String uid) {
    ICalSource.Located old = find(uid);
    if (old == null) {
      return;
    }
    List<Zone> oldZones = zonesOf(old);
    Pending previous = pending.remove(uid);
    if (previous != null) {
      previous.piece().live = false;
      countAll(previous.piece().references, -1);
    } else {
      cutItem(old.item());
    }
    removed.add(uid);
    drop(oldZones);
    changed = true;
  }

  /** The new bytes of the file: the base with every change, in one pass. */
  byte[] bytes() {
    TreeSet<Integer> offsets = new TreeSet<>(cut.keySet());
    offsets.addAll(slots.keySet());
    ByteArrayOutputStream out = new ByteArrayOutputStream(base.bytes.length + 4096);
    int at = 0;
    for (int offset : offsets) {
      out.write(base.bytes, at, offset - at);
      at = offset;
      List<Slot> here = slots.get(offset);
      if (here != null) {
        ByteArrayOutputStream rendered = new ByteArrayOutputStream();
        for (Slot slot : here) {
          for (Piece piece : slot.pieces) {
            if (piece.live) {
              rendered.writeBytes(piece.bytes);
            }
          }
        }
        if (offset == insertAt && base.insertAt < 0 && rendered.size() > 0) {
          if (base.bytes.length > 0 && base.bytes[base.bytes.length - 1] != '\n') {
            out.writeBytes(RecordWriter.utf8("\r\n"));
          }
          out.writeBytes(RecordWriter.utf8(CalendarEdit.NEW_CALENDAR_HEAD));
          out.writeBytes(rendered.toByteArray());
          out.writeBytes(RecordWriter.utf8(CalendarEdit.NEW_CALENDAR_TAIL));
        } else {
          out.writeBytes(rendered.toByteArray());
        }
      }
      CalendarText.Block block = cut.get(offset);
      if (block != null) {
        at = block.end;
      }
    }
    out.write(base.bytes, at, base.bytes.length - at);
    return out.toByteArray();
  }

  /** Cuts the item's blocks out of the base; returns where its first block was. */
  private int cutItem(CalendarText.ItemText item) {
    int first = Integer.MAX_VALUE;
    for (CalendarText.Block block : item.parts()) {
      cut.put(block.start, block);
      count(block.tzRefs, -1);
      first = Math.min(first, block.start);
    }
    return first;
  }

  private Slot newSlot(int offset) {
    List<Slot> here = slots.computeIfAbsent(offset, o -> new ArrayList<>(1));
    Slot slot = new Slot(offset, here.size());
    here.add(slot);
    return slot;
  }

  /** Drops each of {@code candidates} that nothing references any more. */
  private void drop(List<Zone> candidates) {
    for (Zone zone : candidates) {
      if (references.getOrDefault(zone.tzid, 0) > 0) {
        continue;
      }
      zone.live = false;
      if (zone.piece != null) {
        zone.piece.live = false;
      } else if (zone.block != null) {
        cut.put(zone.block.start, zone.block);
      }
    }
  }

  /** The VTIMEZONEs in use for the TZIDs that the item's components reference. */
  private List<Zone> zonesOf(ICalSource.@Nullable Located located) {
    return located == null ? new ArrayList<>() : zonesOf(located.item());
  }

  private List<Zone> zonesOf(CalendarText.ItemText item) {
    Set<String> refs = new LinkedHashSet<>();
    for (CalendarText.Block part : item.parts()) {
      refs.addAll(part.tzRefs);
    }
    List<Zone> result = new ArrayList<>(refs.size());
    for (String tzid : refs) {
      Zone zone = current(tzid);
      if (zone != null) {
        result.add(zone);
      }
    }
    return result;
  }

  private @Nullable Zone current(String tzid) {
    List<Zone> ofTzid = zones.get(tzid);
    if (ofTzid != null) {
      for (Zone zone : ofTzid) {
        if (zone.live) {
          return zone;
        }
      }
    }
    return null;
  }

  private byte[] bytesOf(Zone zone) {
    if (zone.piece != null) {
      return zone.piece.bytes;
    }
    CalendarText.Block block = zone.block;
    if (block == null) {
      throw new IllegalStateException("a zone is a block or a piece");
    }
    return base.bytesOf(block);
  }

  /** Where a zone is in the new file: offset, slot, index in the slot. */
  private static int[] position(Zone zone) {
    Piece piece = zone.piece;
    if (piece != null) {
      return new int[] {piece.slot.offset, piece.slot.order, piece.slot.pieces.indexOf(piece)};
    }
    CalendarText.Block block = zone.block;
    return new int[] {block == null ? 0 : block.start, 0, 0};
  }

  private static int compare(int[] a, int[] b) {
    return java.util.Arrays.compare(a, b);
  }

  private static List<Set<String>> referencesOf(CalendarText text) {
    List<Set<String>> refs = new ArrayList<>();
    for (CalendarText.Block block : text.blocks) {
      if (block.kind != CalendarText.Kind.TIMEZONE && !block.tzRefs.isEmpty()) {
        refs.add(block.tzRefs);
      }
    }
    return refs;
  }

  private void countAll(List<Set<String>> refs, int delta) {
    for (Set<String> set : refs) {
      count(set, delta);
    }
  }

  private void count(Set<String> tzids, int delta) {
    for (String tzid : tzids) {
      references.merge(tzid, delta, Integer::sum);
    }
  }
}
