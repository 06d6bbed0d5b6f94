package dev.deltasync.sources.vcard;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the universal record knows about vCard properties: each property's default value type (the
 * same in every vCard version, so that versions converge) and how a text value is split.
 */
final class PropertyRules {
  private PropertyRules() {}

  /** How a text value is taken apart. */
  enum Shape {
    /** One unescaped text. */
    TEXT,
    /** Texts separated by commas (CATEGORIES, NICKNAME). */
    LIST,
    /** Parts separated by semicolons, each a comma-separated list (N, ADR). */
    STRUCTURED,
    /** Parts separated by semicolons, each one text (ORG, GENDER, CLIENTPIDMAP). */
    SEMI_STRUCTURED,
    /** Kept verbatim: values that are not text (uri, date, unknown, ...). */
    RAW
  }

  /** Properties whose value may be inline binary data. */
  static final Set<String> MEDIA = Set.of("PHOTO", "LOGO", "SOUND", "KEY");

  private static final Map<String, String> DEFAULT_TYPES = new HashMap<>();

  static {
    for (String name :
        new String[] {
          "FN",
          "N",
          "NICKNAME",
          "GENDER",
          "ADR",
          "LABEL",
          "TEL",
          "EMAIL",
          "MAILER",
          "TITLE",
          "ROLE",
          "ORG",
          "CATEGORIES",
          "NOTE",
          "SORT-STRING",
          "CLASS",
          "UID",
          "KIND",
          "XML",
          "EXPERTISE",
          "HOBBY",
          "INTEREST",
          "NAME",
          "PROFILE",
          "CLIENTPIDMAP",
          "BIRTHPLACE",
          "DEATHPLACE"
        }) {
      DEFAULT_TYPES.put(name, "text");
    }
    for (String name :
        new String[] {
          "URL",
          "SOURCE",
          "PHOTO",
          "LOGO",
          "SOUND",
          "KEY",
          "IMPP",
          "FBURL",
          "CALURI",
          "CALADRURI",
          "MEMBER",
          "RELATED",
          "ORG-DIRECTORY",
          "CONTACT-URI"
        }) {
      DEFAULT_TYPES.put(name, "uri");
    }
    for (String name : new String[] {"BDAY", "ANNIVERSARY", "DEATHDATE"}) {
      DEFAULT_TYPES.put(name, "date-and-or-time");
    }
    DEFAULT_TYPES.put("REV", "timestamp");
    DEFAULT_TYPES.put("LANG", "language-tag");
  }

  private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  /**
   * The value type a property has without a VALUE parameter, in every version: "text", "uri",
   * "date-and-or-time", "timestamp", "language-tag", or "unknown" (X- and vendor properties, GEO,
   * TZ), whose values are kept verbatim.
   */
  static String defaultType(String name) {
    return DEFAULT_TYPES.getOrDefault(name, "unknown");
  }

  /**
   * The value type of a property without VALUE or ENCODING parameter as read in {@code version}. In
   * 2.1 and 3.0 a PHOTO, LOGO, SOUND or KEY without either is a URI when it starts with a scheme
   * and text otherwise (3.0 would call it binary, which it cannot be without ENCODING).
   */
  static String typeWithoutParameter(String name, VCardVersion version, String value) {
    if (version != VCardVersion.V4_0 && MEDIA.contains(name)) {
      return URI_SCHEME.matcher(value).matches() ? "uri" : "text";
    }
    return defaultType(name);
  }

  /** Whether a value of {@code type} needs a VALUE parameter when written in {@code version}. */
  static boolean needsValueParameter(String name, String type, VCardVersion version) {
    if (version != VCardVersion.V4_0 && MEDIA.contains(name)) {
      return !type.equals("text"); // a URI is marked, as 2.1 and 3.0 want
    }
    return !type.equals(defaultType(name));
  }

  /** The universal spelling of a VALUE parameter (2.1's URL is uri). */
  static String universalType(String valueParameter) {
    String type = valueParameter.trim().toLowerCase(Locale.ROOT);
    return type.equals("url") ? "uri" : type;
  }

  /** How {@code version} spells value type {@code type} in a VALUE parameter. */
  static String versionType(String type, VCardVersion version) {
    if (version.old()) {
      return type.equals("uri") ? "URL" : type.toUpperCase(Locale.ROOT);
    }
    return type;
  }

  /** How a value of {@code type} of property {@code name} is split. */
  static Shape shape(String name, String type) {
    if (!type.equals("text")) {
      return Shape.RAW;
    }
    return switch (name) {
      case "N", "ADR" -> Shape.STRUCTURED;
      case "ORG", "GENDER", "CLIENTPIDMAP" -> Shape.SEMI_STRUCTURED;
      case "CATEGORIES", "NICKNAME" -> Shape.LIST;
      default -> Shape.TEXT;
    };
  }

  /** The media type family of a binary value of {@code name} ("image", "audio"), or "". */
  static String mediaFamily(String name) {
    return switch (name) {
      case "PHOTO", "LOGO" -> "image";
      case "SOUND" -> "audio";
      default -> "";
    };
  }

  private static final Set<String> IMAGE_FORMATS =
      Set.of("jpeg", "jpg", "png", "gif", "bmp", "tiff", "webp", "heic", "heif");
  private static final Set<String> AUDIO_FORMATS =
      Set.of("basic", "wav", "wave", "x-wav", "mpeg", "mp3", "ogg", "aac", "aiff");

  /** Whether TYPE value {@code type} names the format of a binary value of {@code name}. */
  static boolean isFormat(String name, String type) {
    return switch (mediaFamily(name)) {
      case "image" -> IMAGE_FORMATS.contains(type);
      case "audio" -> AUDIO_FORMATS.contains(type);
      default -> false;
    };
  }
}
