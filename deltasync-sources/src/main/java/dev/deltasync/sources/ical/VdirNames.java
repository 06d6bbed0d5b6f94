package dev.deltasync.sources.ical;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * File names for new items in a vdir: the UID itself plus {@code .ics} when it is made only of
 * {@code A-Z a-z 0-9 - _ . @ +} (not starting with a dot) and at most 100 characters long; else its
 * safe characters (others become {@code _}, at most 60) and the first 12 hex digits of its SHA-256,
 * so two UIDs never share a name.
 */
final class VdirNames {
  private VdirNames() {}

  static String forUid(String uid) {
    StringBuilder safe = new StringBuilder(uid.length());
    for (int i = 0; i < uid.length(); i++) {
      char c = uid.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '@'
              || c == '+'
              || (c == '.' && i > 0);
      safe.append(ok ? c : '_');
    }
    if (safe.toString().equals(uid) && !uid.isEmpty() && uid.length() <= 100) {
      return uid + ".ics";
    }
    String prefix = safe.length() > 60 ? safe.substring(0, 60) : safe.toString();
    return prefix + "-" + HexFormat.of().formatHex(sha256(uid), 0, 6) + ".ics";
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
