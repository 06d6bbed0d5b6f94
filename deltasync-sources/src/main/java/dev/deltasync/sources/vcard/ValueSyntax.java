package dev.deltasync.sources.vcard;

import java.util.ArrayList;
import java.util.List;

/**
 * Backslash escaping of vCard values, the same in every version when reading: {@code \n} and {@code
 * \N} are a newline, a backslash before any other character stands for that character.
 */
final class ValueSyntax {
  private ValueSyntax() {}

  static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char next = value.charAt(++i);
        out.append(next == 'n' || next == 'N' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Splits {@code value} at each {@code separator} not escaped by a backslash (still escaped). */
  static List<String> split(String value, char separator) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == separator) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    return parts;
  }

  /**
   * Escapes a backslash always, {@code ;} when {@code semicolons}, {@code ,} when {@code commas}.
   * Newlines are left to the writer: escaped as {@code \n} in 3.0 and 4.0, quoted-printable in 2.1.
   */
  static String escape(String value, boolean semicolons, boolean commas) {
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean escaped = c == '\\' || (semicolons && c == ';') || (commas && c == ',');
      if (escaped && out == null) {
        out = new StringBuilder(value.length() + 8).append(value, 0, i);
      }
      if (out != null) {
        if (escaped) {
          out.append('\\');
        }
        out.append(c);
      }
    }
    return out == null ? value : out.toString();
  }
}
