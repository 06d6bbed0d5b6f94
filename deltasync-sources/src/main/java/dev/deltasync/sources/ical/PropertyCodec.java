package dev.deltasync.sources.ical;

import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.StructuredValue;
import dev.deltasync.format.v1.Value;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Maps iCalendar properties to and from the universal format (see {@code docs/icalendar.md}): names
 * upper case, parameters as written (names upper case), the value type from {@code VALUE=} or the
 * RFC 5545 default, TEXT values unescaped (lists split at unescaped commas), REQUEST-STATUS
 * structured, {@code ENCODING=BASE64} decoded, every other value as its raw text.
 */
final class PropertyCodec {
  private PropertyCodec() {}

  static Property toProperty(ContentLine line) {
    String name = line.name().toUpperCase(Locale.ROOT);
    Property.Builder property = Property.newBuilder().setName(name);
    String valueParam = "";
    boolean base64 = false;
    for (ContentLine.Param param : line.params()) {
      String paramName = param.name().toUpperCase(Locale.ROOT);
      property.addParameters(
          Parameter.newBuilder().setName(paramName).addAllValues(param.values()));
      if (paramName.equals("VALUE") && !param.values().isEmpty()) {
        valueParam = param.values().get(0);
      } else if (paramName.equals("ENCODING")
          && param.values().size() == 1
          && param.values().get(0).equalsIgnoreCase("BASE64")) {
        base64 = true;
      }
    }
    String type = ValueTypes.of(name, valueParam);
    property.setValueType(type);
    String raw = line.value();
    if (base64) {
      byte[] decoded = decodeExactly(raw);
      if (decoded != null) {
        return property
            .addValues(Value.newBuilder().setBinary(ByteString.copyFrom(decoded)))
            .build();
      }
    }
    if (name.equals("REQUEST-STATUS") && type.equals(ValueTypes.TEXT)) {
      StructuredValue.Builder structured = StructuredValue.newBuilder();
      for (String part : split(raw, ';')) {
        structured.addParts(StructuredPart.newBuilder().addValues(unescape(part)));
      }
      return property.addValues(Value.newBuilder().setStructured(structured)).build();
    }
    boolean text = type.equals(ValueTypes.TEXT);
    List<String> values = ValueTypes.isList(name, type) ? split(raw, ',') : List.of(raw);
    for (String value : values) {
      property.addValues(Value.newBuilder().setText(text ? unescape(value) : value));
    }
    return property.build();
  }

  /** The content line of {@code property}, unfolded, without line break. */
  static String toLine(Property property) {
    StringBuilder out = new StringBuilder(64);
    String name = property.getName();
    out.append(name);
    boolean hasValueParam = false;
    for (Parameter parameter : property.getParametersList()) {
      out.append(';').append(parameter.getName()).append('=');
      hasValueParam |= parameter.getName().equals("VALUE");
      for (int i = 0; i < parameter.getValuesCount(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendParamValue(out, parameter.getValues(i));
      }
    }
    String type = property.getValueType();
    if (!hasValueParam
        && !type.isEmpty()
        && !type.equals(ValueTypes.UNKNOWN)
        && !type.equals(ValueTypes.defaultOf(name))) {
      out.append(";VALUE=").append(type.toUpperCase(Locale.ROOT));
    }
    out.append(':');
    boolean text = type.equals(ValueTypes.TEXT);
    for (int i = 0; i < property.getValuesCount(); i++) {
      if (i > 0) {
        out.append(',');
      }
      Value value = property.getValues(i);
      switch (value.getValueCase()) {
        case TEXT -> {
          if (text) {
            escape(out, value.getText());
          } else {
            out.append(value.getText());
          }
        }
        case STRUCTURED -> {
          List<StructuredPart> parts = value.getStructured().getPartsList();
          for (int p = 0; p < parts.size(); p++) {
            if (p > 0) {
              out.append(';');
            }
            List<String> partValues = parts.get(p).getValuesList();
            for (int v = 0; v < partValues.size(); v++) {
              if (v > 0) {
                out.append(',');
              }
              escape(out, partValues.get(v));
            }
          }
        }
        case BINARY ->
            out.append(Base64.getEncoder().encodeToString(value.getBinary().toByteArray()));
        case VALUE_NOT_SET -> {}
      }
    }
    return out.toString();
  }

  private static void appendParamValue(StringBuilder out, String value) {
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ':' || c == ';' || c == ',';
    }
    if (quote) {
      out.append('"').append(value).append('"');
    } else {
      out.append(value);
    }
  }

  /**
   * The bytes of {@code raw} when it is canonical base64 (so they encode back to it), else null.
   */
  private static byte @org.jspecify.annotations.Nullable [] decodeExactly(String raw) {
    try {
      byte[] decoded = Base64.getDecoder().decode(raw);
      return Base64.getEncoder().encodeToString(decoded).equals(raw) ? decoded : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Splits at every {@code delimiter} not escaped by a backslash; the parts stay escaped. */
  static List<String> split(String raw, char delimiter) {
    List<String> parts = new ArrayList<>(2);
    int start = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == delimiter) {
        parts.add(raw.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(raw.substring(start));
    return parts;
  }

  /**
   * Unescapes a TEXT value: {@code \\ \; \, \n \N} and (Outlook) {@code \:}; any other backslash is
   * kept as it is.
   */
  static String unescape(String raw) {
    if (raw.indexOf('\\') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        char next = raw.charAt(i + 1);
        switch (next) {
          case '\\', ';', ',', ':' -> {
            out.append(next);
            i++;
          }
          case 'n', 'N' -> {
            out.append('\n');
            i++;
          }
          default -> out.append(c);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Escapes a TEXT value the canonical way: {@code \\ \; \, \n}. */
  static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case ';' -> out.append("\\;");
        case ',' -> out.append("\\,");
        case '\n' -> out.append("\\n");
        case '\r' -> {
          if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
            out.append("\\n");
          }
        }
        default -> out.append(c);
      }
    }
  }
}
