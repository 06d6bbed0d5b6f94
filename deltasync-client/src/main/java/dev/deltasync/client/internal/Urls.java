package dev.deltasync.client.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Builds request URLs from a base URL and names that may hold any character. */
public final class Urls {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Urls() {}

  /**
   * Percent-encodes {@code name} as one path segment: every UTF-8 byte but the unreserved
   * characters of RFC 3986, so {@code /}, spaces, {@code %}, {@code ?} and Unicode stay inside the
   * segment; a name of only dots ({@code .}, {@code ..}) is encoded whole, so that no one treats it
   * as a relative path step.
   */
  public static String segment(String name) {
    boolean dots = !name.isEmpty() && name.chars().allMatch(c -> c == '.');
    StringBuilder out = new StringBuilder(name.length() + 16);
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '~'
              || (c == '.' && !dots);
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /** {@code base} (no trailing slash) joined with {@code rawPath} (starting with a slash). */
  public static URI resolve(URI base, String rawPath) {
    return URI.create(base.toString() + rawPath);
  }

  /** Scheme, host and port of {@code uri}, for messages: never a path, query or user info. */
  public static String origin(URI uri) {
    int port = uri.getPort();
    return uri.getScheme() + "://" + uri.getHost() + (port < 0 ? "" : ":" + port);
  }
}
