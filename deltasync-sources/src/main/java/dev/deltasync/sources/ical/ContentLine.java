package dev.deltasync.sources.ical;

import java.util.ArrayList;
import java.util.List;

/**
 * One unfolded iCalendar content line split into name, parameters and raw value (RFC 5545 section
 * 3.1): {@code name *(";" param) ":" value}. Parameter values may be quoted; a quoted value ends at
 * the next {@code "} and may hold {@code :;,}. Nothing is unescaped here.
 *
 * <p>ical4j's tokenizer (used to check the structure) loses the second value of a quoted
 * multi-valued parameter ({@code MEMBER="a","b"}) and interprets backslashes inside quotes, so the
 * properties themselves are split by this class.
 *
 * @param name the property name as written
 * @param params the parameters in order, names as written
 * @param value the raw value: everything after the first colon outside quotes
 */
record ContentLine(String name, List<Param> params, String value) {
  /** One parameter; its values without quotes, as written otherwise. */
  record Param(String name, List<String> values) {}

  /** The line is not a content line. */
  static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String message) {
      super(message);
    }
  }

  /** Splits {@code line}. */
  static ContentLine parse(String line) throws MalformedLineException {
    int n = line.length();
    int i = 0;
    while (i < n && isNameChar(line.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new MalformedLineException("expected a property name, found '" + excerpt(line) + "'");
    }
    String name = line.substring(0, i);
    List<Param> params = new ArrayList<>(2);
    while (i < n && line.charAt(i) == ';') {
      int start = ++i;
      while (i < n && isNameChar(line.charAt(i))) {
        i++;
      }
      if (i == start || i >= n || line.charAt(i) != '=') {
        throw new MalformedLineException(
            "parameter without name or '=' in property " + name + ": '" + excerpt(line) + "'");
      }
      String paramName = line.substring(start, i);
      List<String> values = new ArrayList<>(1);
      do {
        i++; // '=' or ','
        if (i < n && line.charAt(i) == '"') {
          int close = line.indexOf('"', i + 1);
          if (close < 0) {
            throw new MalformedLineException(
                "unterminated quoted value of parameter " + paramName + " in property " + name);
          }
          values.add(line.substring(i + 1, close));
          i = close + 1;
        } else {
          int start2 = i;
          while (i < n && !isParamEnd(line.charAt(i))) {
            i++;
          }
          values.add(line.substring(start2, i));
        }
      } while (i < n && line.charAt(i) == ',');
      params.add(new Param(paramName, List.copyOf(values)));
    }
    if (i >= n || line.charAt(i) != ':') {
      throw new MalformedLineException(
          "property " + name + " has no ':' before its value: '" + excerpt(line) + "'");
    }
    return new ContentLine(name, List.copyOf(params), line.substring(i + 1));
  }

  /** The name of the line, upper case, or "" when it has none; cheap, for the layout pass. */
  static String nameOf(String line) {
    int i = 0;
    while (i < line.length() && isNameChar(line.charAt(i))) {
      i++;
    }
    return line.substring(0, i).toUpperCase(java.util.Locale.ROOT);
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.';
  }

  private static boolean isParamEnd(char c) {
    return c == ',' || c == ';' || c == ':';
  }

  private static String excerpt(String line) {
    return line.length() <= 60 ? line : line.substring(0, 60) + "...";
  }
}
