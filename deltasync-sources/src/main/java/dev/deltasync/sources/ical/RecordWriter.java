package dev.deltasync.sources.ical;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;
import java.nio.charset.StandardCharsets;

/**
 * Writes components as iCalendar text: one content line per property ({@link PropertyCodec}),
 * folded at 75 octets on UTF-8 character boundaries with CRLF and a space, every line ending in
 * CRLF.
 */
final class RecordWriter {
  private RecordWriter() {}

  static final int FOLD_OCTETS = 75;

  /** {@code component} as text, BEGIN to END. */
  static String render(Component component) {
    StringBuilder out = new StringBuilder(512);
    render(component, out);
    return out.toString();
  }

  static void render(Component component, StringBuilder out) {
    fold("BEGIN:" + component.getName(), out);
    for (Property property : component.getPropertiesList()) {
      fold(PropertyCodec.toLine(property), out);
    }
    for (Component sub : component.getComponentsList()) {
      render(sub, out);
    }
    fold("END:" + component.getName(), out);
  }

  /** {@code component} with every UID property's value set to {@code uid} (added when none). */
  static Component withUid(Component component, String uid) {
    Component.Builder builder = component.toBuilder();
    boolean found = false;
    for (int i = 0; i < builder.getPropertiesCount(); i++) {
      if (builder.getProperties(i).getName().equals("UID")) {
        builder.setProperties(
            i, builder.getProperties(i).toBuilder().clearValues().addValues(text(uid)));
        found = true;
      }
    }
    if (!found) {
      builder.addProperties(
          Property.newBuilder().setName("UID").setValueType(ValueTypes.TEXT).addValues(text(uid)));
    }
    return builder.build();
  }

  private static Value text(String text) {
    return Value.newBuilder().setText(text).build();
  }

  /**
   * Appends {@code line} folded: at most 75 octets per physical line (the leading space of a
   * continuation included), never inside a UTF-8 sequence, each followed by CRLF.
   */
  static void fold(String line, StringBuilder out) {
    int octets = 0;
    for (int i = 0; i < line.length(); ) {
      int codePoint = line.codePointAt(i);
      int width = utf8Length(codePoint);
      if (octets + width > FOLD_OCTETS) {
        out.append("\r\n ");
        octets = 1;
      }
      out.appendCodePoint(codePoint);
      octets += width;
      i += Character.charCount(codePoint);
    }
    out.append("\r\n");
  }

  private static int utf8Length(int codePoint) {
    if (codePoint < 0x80) {
      return 1;
    } else if (codePoint < 0x800) {
      return 2;
    } else if (codePoint < 0x10000) {
      return 3;
    }
    return 4;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
