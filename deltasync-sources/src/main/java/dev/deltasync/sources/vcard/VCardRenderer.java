package dev.deltasync.sources.vcard;

import com.github.mangstadt.vinnie.io.VObjectWriter;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Property;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes a universal record as one vCard entry in a given version, with vinnie's writer (folding at
 * 75 characters, parameter quoting, quoted-printable).
 */
final class VCardRenderer {
  private VCardRenderer() {}

  /**
   * The entry's text, UTF-8, lines ending in {@code lineEnding}.
   *
   * @param prodid the PRODID of the local entry this replaces (kept after VERSION), or null
   * @throws IOException when the record holds something this version cannot express (a character
   *     not allowed in a property or parameter name)
   */
  static byte[] render(
      Component record, VCardVersion version, @Nullable String prodid, String lineEnding)
      throws IOException {
    StringWriter text = new StringWriter();
    VObjectWriter writer = new VObjectWriter(text, version.style);
    writer.setCaretEncodingEnabled(!version.old());
    try {
      write(writer, record, version, prodid);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "the contact cannot be written as vCard " + version.text + ": " + e.getMessage(), e);
    }
    writer.flush();
    String out = text.toString();
    if (!lineEnding.equals("\r\n")) {
      out = out.replace("\r\n", lineEnding);
    }
    return out.getBytes(StandardCharsets.UTF_8);
  }

  private static void write(
      VObjectWriter writer, Component component, VCardVersion version, @Nullable String prodid)
      throws IOException {
    String name = component.getName().isEmpty() ? "VCARD" : component.getName();
    writer.writeBeginComponent(name);
    writer.writeVersion(version.text);
    if (prodid != null) {
      writer.writeProperty("PRODID", prodid);
    }
    for (Property property : component.getPropertiesList()) {
      writer.writeProperty(PropertyCodec.toVersion(property, version));
      if (version.old() && property.getValueType().equals("binary")) {
        writer.getFoldedLineWriter().writeln(); // 2.1 ends base64 data with an empty line
      }
    }
    for (Component child : component.getComponentsList()) {
      write(writer, child, version, null);
    }
    writer.writeEndComponent(name);
  }
}
