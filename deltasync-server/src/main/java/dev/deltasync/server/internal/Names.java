package dev.deltasync.server.internal;

import dev.deltasync.format.FormatLimits;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The names clients choose: users, devices, collections. */
final class Names {
  private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private Names() {}

  /**
   * A user name: 1–64 of lower-case letters, digits, {@code . _ -}, starting with a letter or
   * digit.
   */
  static String user(String name) throws Problem {
    if (!USER.matcher(name).matches()) {
      throw Problem.badRequest(
          "a user name has 1 to 64 of a-z, 0-9, '.', '_', '-', and starts with a letter or digit");
    }
    return name;
  }

  /** A device name: like a collection name, at most 255 UTF-8 bytes. */
  static String device(String name) throws Problem {
    check(name, "device", 255);
    return name;
  }

  /** A collection name, by the format's rules for the names in a log header. */
  static String collection(String name) throws Problem {
    check(name, "collection", FormatLimits.MAX_NAME_BYTES);
    return name;
  }

  private static void check(String name, String what, int maxBytes) throws Problem {
    if (name.isEmpty()) {
      throw Problem.badRequest("the " + what + " name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw Problem.badRequest("the " + what + " name contains a control character");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < name.length()
            && Character.isLowSurrogate(name.charAt(i + 1))) {
          i++;
        } else {
          throw Problem.badRequest("the " + what + " name is not valid Unicode");
        }
      }
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw Problem.badRequest("the " + what + " name is longer than " + maxBytes + " UTF-8 bytes");
    }
  }
}
