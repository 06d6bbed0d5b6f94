package dev.deltasync.sources.vcard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The documented normalisations of docs/vcard.md ("Round trips"), applied to vCard text so that an
 * original and its rendering can be compared line by line: folding (RFC and quoted-printable soft
 * line breaks) and empty lines are undone; property and parameter names and TYPE values are
 * compared without case, parameters in any order and spelling (nameless 2.1 TYPEs, one TYPE per
 * value or a list, quotes); ENCODING, CHARSET and VALUE are dropped and quoted-printable values
 * decoded. Everything else must be equal: group, value text, escaping, structure.
 */
final class NormalisedLines {
  private NormalisedLines() {}

  static List<String> of(byte[] text) {
    String[] physical = VCardParser.decode(text).split("\r\n|\n|\r", -1);
    List<String> logical = new ArrayList<>();
    for (String line : physical) {
      int last = logical.size() - 1;
      if (last >= 0 && !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
        logical.set(last, logical.get(last) + line.substring(1));
      } else if (last >= 0
          && logical.get(last).endsWith("=")
          && head(logical.get(last)).toUpperCase(Locale.ROOT).contains("QUOTED-PRINTABLE")) {
        String previous = logical.get(last);
        logical.set(last, previous.substring(0, previous.length() - 1) + line);
      } else if (!line.isEmpty()) {
        logical.add(line);
      }
    }
    return logical.stream().map(NormalisedLines::canonical).toList();
  }

  private static String head(String line) {
    return line.substring(0, colon(line));
  }

  private static int colon(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ':' && !quoted) {
        return i;
      }
    }
    return line.length();
  }

  private static String canonical(String line) {
    int colon = colon(line);
    List<String> head = splitOutsideQuotes(line.substring(0, colon), ';');
    String value = colon < line.length() ? line.substring(colon + 1) : "";
    List<String> parameters = new ArrayList<>();
    boolean quotedPrintable = false;
    for (String parameter : head.subList(1, head.size())) {
      int equals = parameter.indexOf('=');
      String name = equals < 0 ? "TYPE" : parameter.substring(0, equals).trim();
      String values = equals < 0 ? parameter : parameter.substring(equals + 1);
      name = name.toUpperCase(Locale.ROOT);
      if (equals < 0 && values.equalsIgnoreCase("QUOTED-PRINTABLE")) {
        name = "ENCODING";
      }
      if (name.equals("ENCODING") && values.equalsIgnoreCase("QUOTED-PRINTABLE")) {
        quotedPrintable = true;
      }
      if (name.equals("ENCODING") || name.equals("CHARSET") || name.equals("VALUE")) {
        continue;
      }
      for (String one :
          splitOutsideQuotes(name.equals("TYPE") ? values.replace("\"", "") : values, ',')) {
        String unquoted = one.replace("\"", "");
        parameters.add(
            name + "=" + (name.equals("TYPE") ? unquoted.toLowerCase(Locale.ROOT) : unquoted));
      }
    }
    parameters.sort(null);
    if (quotedPrintable) {
      value = decodeQuotedPrintable(value);
    }
    return head.get(0).toUpperCase(Locale.ROOT) + parameters + ":" + value;
  }

  private static List<String> splitOutsideQuotes(String text, char separator) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == separator && !quoted) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  private static String decodeQuotedPrintable(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '=' && i + 2 < value.length()) {
        out.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
