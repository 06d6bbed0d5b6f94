package dev.deltasync.sources.vcard;

import com.github.mangstadt.vinnie.VObjectParameters;
import com.github.mangstadt.vinnie.VObjectProperty;
import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.StructuredValue;
import dev.deltasync.format.v1.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Translates one property between vinnie's lexical form (in a given vCard version) and the
 * universal {@link Property}. The rules are in docs/vcard.md.
 */
final class PropertyCodec {
  private PropertyCodec() {}

  /** A property that cannot be translated (bad base64, ...). */
  static final class BadValueException extends Exception {
    private static final long serialVersionUID = 1L;

    BadValueException(String message) {
      super(message);
    }
  }

  private static final Set<String> ENCODINGS =
      Set.of("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT");
  private static final Set<String> VALUE_NAMES = Set.of("INLINE", "URL", "CONTENT-ID", "CID");

  // ------------------------------------------------------------------------------------------
  // Reading.

  static Property toUniversal(VObjectProperty lexed, VCardVersion version)
      throws BadValueException {
    String name = lexed.getName().trim().toUpperCase(Locale.ROOT);
    Property.Builder out = Property.newBuilder().setName(name);
    if (lexed.getGroup() != null) {
      out.setGroup(lexed.getGroup());
    }
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    String encoding = null;
    String valueParameter = null;
    for (Map.Entry<String, List<String>> parameter : lexed.getParameters()) {
      String key = parameter.getKey();
      for (String value : parameter.getValue()) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        String kind = key;
        if (kind == null) { // 2.1: TEL;HOME;VOICE, PHOTO;BASE64;JPEG
          kind =
              ENCODINGS.contains(upper)
                  ? "ENCODING"
                  : VALUE_NAMES.contains(upper) ? "VALUE" : "TYPE";
        }
        switch (kind) {
          case "ENCODING" -> encoding = upper;
          case "CHARSET" -> {} // decoded by the reader
          case "VALUE" -> valueParameter = upper.equals("INLINE") ? valueParameter : value;
          case "TYPE" -> {
            List<String> types = parameters.computeIfAbsent("TYPE", k -> new ArrayList<>());
            for (String type : value.split(",", -1)) {
              String lower = type.trim().toLowerCase(Locale.ROOT);
              if (!lower.isEmpty()) {
                types.add(lower);
              }
            }
          }
          default -> parameters.computeIfAbsent(kind, k -> new ArrayList<>()).add(value);
        }
      }
    }
    String raw = lexed.getValue() == null ? "" : lexed.getValue();
    String type;
    if ("B".equals(encoding) || "BASE64".equals(encoding)) {
      type = "binary";
      out.addValues(binary(raw, name));
    } else {
      type =
          valueParameter != null
              ? PropertyRules.universalType(valueParameter)
              : PropertyRules.typeWithoutParameter(name, version, raw);
      DataUri data = type.equals("uri") ? DataUri.parse(raw) : null;
      if (data != null) {
        type = "binary";
        out.addValues(binary(data.base64, name));
        addMediaType(parameters, name, data.mediaType);
      } else {
        addValues(out, PropertyRules.shape(name, type), raw);
      }
    }
    out.setValueType(type);
    parameters.forEach((key, values) -> {
      if (!values.isEmpty()) {
        out.addParameters(Parameter.newBuilder().setName(key).addAllValues(values));
      }
    });
    return out.build();
  }

  private static Value binary(String base64, String name) throws BadValueException {
    try {
      return Value.newBuilder()
          .setBinary(ByteString.copyFrom(Base64.getMimeDecoder().decode(base64.trim())))
          .build();
    } catch (IllegalArgumentException e) {
      throw new BadValueException(name + " holds base64 data that cannot be decoded");
    }
  }

  /** A data: URI's media type joins TYPE as 3.0 writes it (image/jpeg: TYPE=jpeg), or MEDIATYPE. */
  private static void addMediaType(
      Map<String, List<String>> parameters, String name, String mediaType) {
    if (mediaType.isEmpty()) {
      return;
    }
    String family = PropertyRules.mediaFamily(name);
    if (!family.isEmpty() && mediaType.startsWith(family + "/")) {
      parameters
          .computeIfAbsent("TYPE", k -> new ArrayList<>())
          .add(mediaType.substring(family.length() + 1));
    } else {
      parameters.computeIfAbsent("MEDIATYPE", k -> new ArrayList<>()).add(mediaType);
    }
  }

  private static void addValues(Property.Builder out, PropertyRules.Shape shape, String raw) {
    switch (shape) {
      case RAW -> out.addValues(text(raw));
      case TEXT -> out.addValues(text(ValueSyntax.unescape(newlines(raw))));
      case LIST -> {
        for (String item : ValueSyntax.split(raw, ',')) {
          out.addValues(text(ValueSyntax.unescape(newlines(item))));
        }
      }
      case STRUCTURED, SEMI_STRUCTURED -> {
        StructuredValue.Builder structured = StructuredValue.newBuilder();
        for (String part : ValueSyntax.split(raw, ';')) {
          StructuredPart.Builder values = StructuredPart.newBuilder();
          if (shape == PropertyRules.Shape.STRUCTURED) {
            for (String item : ValueSyntax.split(part, ',')) {
              values.addValues(ValueSyntax.unescape(newlines(item)));
            }
          } else {
            values.addValues(ValueSyntax.unescape(newlines(part)));
          }
          structured.addParts(values);
        }
        out.addValues(Value.newBuilder().setStructured(structured));
      }
    }
  }

  /** Quoted-printable text of 2.1 carries CRLF; the universal record has LF. */
  private static String newlines(String value) {
    return value.indexOf('\r') < 0 ? value : value.replace("\r\n", "\n").replace('\r', '\n');
  }

  private static Value text(String text) {
    return Value.newBuilder().setText(text).build();
  }

  /** A data: URI with base64 content. */
  private record DataUri(String mediaType, String base64) {
    static @Nullable DataUri parse(String raw) {
      if (!raw.regionMatches(true, 0, "data:", 0, 5)) {
        return null;
      }
      int comma = raw.indexOf(',');
      if (comma < 0) {
        return null;
      }
      String meta = raw.substring(5, comma);
      if (!meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
        return null;
      }
      String mediaType = meta.substring(0, meta.length() - 7).toLowerCase(Locale.ROOT);
      return new DataUri(mediaType, raw.substring(comma + 1));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Writing.

  /**
   * The property as {@code version} writes it. In 2.1, text that is not plain ASCII on one line is
   * quoted-printable (UTF-8), and binary is ENCODING=BASE64; 3.0 writes binary as ENCODING=b and
   * 4.0 as a data: URI.
   */
  static VObjectProperty toVersion(Property property, VCardVersion version) {
    String name = property.getName();
    String type = property.getValueType().isEmpty() ? "unknown" : property.getValueType();
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (Parameter parameter : property.getParametersList()) {
      parameters
          .computeIfAbsent(parameter.getName().toUpperCase(Locale.ROOT), k -> new ArrayList<>())
          .addAll(parameter.getValuesList());
    }
    VObjectParameters written = new VObjectParameters();
    String value;
    boolean binary = type.equals("binary");
    if (binary) {
      byte[] data = property.getValuesCount() == 0 ? new byte[0] : bytes(property.getValues(0));
      String base64 = Base64.getEncoder().encodeToString(data);
      switch (version) {
        case V2_1 -> written.put("ENCODING", "BASE64");
        case V3_0 -> written.put("ENCODING", "b");
        case V4_0 -> {}
      }
      value = version == VCardVersion.V4_0 ? dataUri(name, parameters, base64) : base64;
    } else {
      if (PropertyRules.needsValueParameter(name, type, version)) {
        written.put("VALUE", PropertyRules.versionType(type, version));
      }
      value = valueText(property, PropertyRules.shape(name, type), version);
    }
    for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
      String key = parameter.getKey();
      if (!version.old()) {
        if (!parameter.getValue().isEmpty()) {
          written.putAll(key, parameter.getValue().toArray(String[]::new));
        }
        continue;
      }
      for (String one : parameter.getValue()) {
        if (one.indexOf(':') >= 0 || one.indexOf('\n') >= 0 || one.indexOf('\r') >= 0) {
          continue; // 2.1 cannot write it (docs/vcard.md, "What 2.1 cannot hold")
        }
        if (key.equals("TYPE")) {
          written.put(null, one.toUpperCase(Locale.ROOT)); // 2.1: TEL;HOME;VOICE
        } else {
          written.put(key, one);
        }
      }
    }
    if (!binary && version.old() && needsQuotedPrintable(value)) {
      written.put("CHARSET", "UTF-8");
      written.put("ENCODING", "QUOTED-PRINTABLE");
      value = value.replace("\r\n", "\n").replace("\n", "\r\n");
    }
    return new VObjectProperty(
        property.getGroup().isEmpty() ? null : property.getGroup(), name, written, value);
  }

  private static byte[] bytes(Value value) {
    return switch (value.getValueCase()) {
      case BINARY -> value.getBinary().toByteArray();
      case TEXT -> value.getText().getBytes(StandardCharsets.UTF_8);
      default -> new byte[0];
    };
  }

  /** A data: URI; its media type comes from MEDIATYPE, or a format named in TYPE (jpeg). */
  private static String dataUri(String name, Map<String, List<String>> parameters, String base64) {
    String mediaType = "application/octet-stream";
    List<String> mediaTypes = parameters.remove("MEDIATYPE");
    List<String> types = parameters.get("TYPE");
    if (mediaTypes != null && !mediaTypes.isEmpty()) {
      mediaType = mediaTypes.get(0);
    } else if (types != null) {
      for (int i = types.size() - 1; i >= 0; i--) {
        if (PropertyRules.isFormat(name, types.get(i))) {
          mediaType = PropertyRules.mediaFamily(name) + "/" + types.remove(i);
          break;
        }
      }
    }
    return "data:" + mediaType + ";base64," + base64;
  }

  private static String valueText(Property property, PropertyRules.Shape shape, VCardVersion v) {
    boolean isNew = !v.old();
    List<String> texts = new ArrayList<>();
    switch (shape) {
      case RAW -> {
        for (Value value : property.getValuesList()) {
          texts.add(plain(value));
        }
        return String.join(",", texts);
      }
      case TEXT -> {
        for (Value value : property.getValuesList()) {
          texts.add(ValueSyntax.escape(plain(value), isNew, isNew));
        }
        return String.join(",", texts);
      }
      case LIST -> {
        for (Value value : property.getValuesList()) {
          texts.add(ValueSyntax.escape(plain(value), true, true));
        }
        return String.join(",", texts);
      }
      case STRUCTURED, SEMI_STRUCTURED -> {
        boolean lists = shape == PropertyRules.Shape.STRUCTURED;
        for (Value value : property.getValuesList()) {
          if (!value.hasStructured()) {
            texts.add(ValueSyntax.escape(plain(value), true, lists || isNew));
            continue;
          }
          List<String> parts = new ArrayList<>();
          for (StructuredPart part : value.getStructured().getPartsList()) {
            List<String> items = new ArrayList<>();
            for (String item : part.getValuesList()) {
              items.add(ValueSyntax.escape(item, true, lists || isNew));
            }
            parts.add(String.join(",", items));
          }
          texts.add(String.join(";", parts));
        }
        return String.join(",", texts);
      }
    }
    throw new AssertionError(shape);
  }

  /** The text of a value that is not structured (a structured one joined as N would be). */
  private static String plain(Value value) {
    return switch (value.getValueCase()) {
      case TEXT -> value.getText();
      case BINARY -> Base64.getEncoder().encodeToString(value.getBinary().toByteArray());
      case STRUCTURED -> {
        List<String> parts = new ArrayList<>();
        for (StructuredPart part : value.getStructured().getPartsList()) {
          parts.add(String.join(",", part.getValuesList()));
        }
        yield String.join(";", parts);
      }
      case VALUE_NOT_SET -> "";
    };
  }

  private static boolean needsQuotedPrintable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0x7e || (c < 0x20 && c != '\t')) {
        return true;
      }
    }
    return false;
  }
}
