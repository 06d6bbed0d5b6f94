package dev.deltasync.sources.ical;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The new text of a file after one item is put or removed. Every byte outside the item's own blocks
 * is kept as it is; the item is rendered where its first block was (new items go before the last
 * END:VCALENDAR). A VTIMEZONE the file has already is kept rather than written twice; one the item
 * was the last to reference is dropped with it.
 */
final class CalendarEdit {
  private CalendarEdit() {}

  static final String NEW_CALENDAR_HEAD =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//deltasync//deltasync//EN\r\n";
  static final String NEW_CALENDAR_TAIL = "END:VCALENDAR\r\n";

  private record Cut(int start, int end, byte[] replacement) {}

  /**
   * @param old the item's blocks now, or null when it is new
   * @param record the item's new record, or null to remove it
   */
  static byte[] apply(
      CalendarText text,
      CalendarText.@Nullable ItemText old,
      @Nullable Component record,
      String uid) {
    StringBuilder timezones = new StringBuilder();
    StringBuilder parts = new StringBuilder();
    Set<String> newRefs = new LinkedHashSet<>();
    if (record != null) {
      List<Component> zones = new ArrayList<>();
      for (Component sub : record.getComponentsList()) {
        if (sub.getName().equals("VTIMEZONE")) {
          zones.add(sub);
        } else {
          tzRefs(sub, newRefs);
          RecordWriter.render(RecordWriter.withUid(sub, uid), parts);
        }
      }
      Set<String> written = new HashSet<>();
      for (Component zone : zones) {
        String tzid = tzidOf(zone);
        if (tzid != null
            && newRefs.contains(tzid)
            && !text.timezones.containsKey(tzid)
            && written.add(tzid)) {
          RecordWriter.render(zone, timezones);
        }
      }
    }
    byte[] rendered = RecordWriter.utf8(timezones.append(parts).toString());
    List<Cut> cuts = new ArrayList<>();
    if (old != null) {
      List<CalendarText.Block> blocks = old.parts();
      blocks.sort(Comparator.comparingInt(b -> b.start));
      for (int i = 0; i < blocks.size(); i++) {
        CalendarText.Block block = blocks.get(i);
        cuts.add(new Cut(block.start, block.end, i == 0 ? rendered : new byte[0]));
      }
      Set<String> remaining = text.referencedTimezones(blocks);
      remaining.addAll(newRefs);
      for (CalendarText.Block zone : old.timezones) {
        if (!remaining.contains(zone.tzid)) {
          cuts.add(new Cut(zone.start, zone.end, new byte[0]));
        }
      }
    } else if (rendered.length > 0 && text.insertAt >= 0) {
      cuts.add(new Cut(text.insertAt, text.insertAt, rendered));
    } else if (rendered.length > 0) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(text.bytes.length + rendered.length);
      out.writeBytes(text.bytes);
      if (text.bytes.length > 0 && text.bytes[text.bytes.length - 1] != '\n') {
        out.writeBytes(RecordWriter.utf8("\r\n"));
      }
      out.writeBytes(RecordWriter.utf8(NEW_CALENDAR_HEAD));
      out.writeBytes(rendered);
      out.writeBytes(RecordWriter.utf8(NEW_CALENDAR_TAIL));
      return out.toByteArray();
    }
    cuts.sort(Comparator.comparingInt(Cut::start));
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.bytes.length + rendered.length);
    int at = 0;
    for (Cut cut : cuts) {
      out.write(text.bytes, at, cut.start() - at);
      out.writeBytes(cut.replacement());
      at = cut.end();
    }
    out.write(text.bytes, at, text.bytes.length - at);
    return out.toByteArray();
  }

  /** The TZID parameters used in {@code component} and its sub-components. */
  static void tzRefs(Component component, Set<String> into) {
    for (Property property : component.getPropertiesList()) {
      for (Parameter parameter : property.getParametersList()) {
        if (parameter.getName().equals("TZID")) {
          into.addAll(parameter.getValuesList());
        }
      }
    }
    for (Component sub : component.getComponentsList()) {
      tzRefs(sub, into);
    }
  }

  static @Nullable String tzidOf(Component zone) {
    for (Property property : zone.getPropertiesList()) {
      if (property.getName().equals("TZID") && property.getValuesCount() > 0) {
        return property.getValues(0).getText();
      }
    }
    return null;
  }
}
