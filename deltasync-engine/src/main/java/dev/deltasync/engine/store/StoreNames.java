package dev.deltasync.engine.store;

import dev.deltasync.format.FormatLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * User and collection names: what is allowed, and how a name becomes one directory name that is
 * safe on every file system (docs/directory-store.md, "Names").
 *
 * <p>Encoding: each UTF-8 byte in {@code [a-z0-9-]} stays; every other byte, uppercase ASCII
 * letters included, becomes {@code _} and two lowercase hex digits. The result uses only {@code
 * [a-z0-9_-]}, so names differing only in case, or in Unicode normalisation, never meet on a
 * case-insensitive or normalising file system, and no name becomes {@code .}, {@code ..}, a hidden
 * file or a path. A result that is a Windows device name ({@code con}, {@code nul}, {@code com1},
 * ...) has its first byte escaped too. A result longer than {@link #MAX_PLAIN} characters is cut to
 * at most {@link #PREFIX} characters (at an escape boundary), followed by {@code __} and the
 * SHA-256 of the name in hex; {@code __} never occurs in a plain encoding, so the two forms never
 * meet.
 */
final class StoreNames {
  /** Longest encoded name kept whole. */
  static final int MAX_PLAIN = 100;

  /** Characters of the encoding kept before the hash in a long name. */
  static final int PREFIX = 40;

  /** The file in a user's or collection's directory that holds its name in UTF-8. */
  static final String NAME_FILE = "name";

  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> WINDOWS_DEVICES =
      Set.of(
          "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6",
          "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7",
          "lpt8", "lpt9");

  private StoreNames() {}

  /**
   * Checks a user or collection name against the format's rules: not empty, at most {@link
   * FormatLimits#MAX_NAME_BYTES} UTF-8 bytes, no control character (U+0000..U+001F, U+007F), and
   * well-formed UTF-16 (no lone surrogate, which UTF-8 cannot carry).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static String check(String name, String what) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException(what + " name is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            what + " name contains the control character U+" + String.format("%04X", (int) c));
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            what + " name contains a lone surrogate at index " + i + "; it is not valid Unicode");
      }
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > FormatLimits.MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          what
              + " name has "
              + bytes
              + " UTF-8 bytes; at most "
              + FormatLimits.MAX_NAME_BYTES
              + " are allowed");
    }
    return name;
  }

  /** The directory name for a valid name (see the class comment). */
  static String encode(String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(utf8.length * 3);
    for (byte b : utf8) {
      if (isPlain(b)) {
        out.append((char) b);
      } else {
        escape(out, b);
      }
    }
    if (WINDOWS_DEVICES.contains(out.toString())) {
      // Every device name is plain ASCII, so its first character is the first byte.
      out.replace(0, 1, "_" + HEX.toHexDigits(utf8[0]));
    }
    if (out.length() <= MAX_PLAIN) {
      return out.toString();
    }
    int cut = PREFIX;
    // Do not cut inside an escape: "_" is always followed by two hex digits.
    if (out.charAt(cut - 1) == '_') {
      cut -= 1;
    } else if (out.charAt(cut - 2) == '_') {
      cut -= 2;
    }
    return out.substring(0, cut) + "__" + HEX.formatHex(ChunkId.sha256(utf8).toBytes());
  }

  /**
   * Checks that {@code dir} belongs to {@code name}: its file {@code name} holds the name in UTF-8.
   * Writes that file when it is absent and {@code create} is set.
   *
   * @return whether the file was there or written (false: absent, not created)
   * @throws StoreException when the file names another name
   */
  static boolean claim(Path dir, String name, String what, boolean create) throws IOException {
    Path file = dir.resolve(NAME_FILE);
    byte[] expected = name.getBytes(StandardCharsets.UTF_8);
    if (Files.exists(file)) {
      byte[] actual = Files.size(file) <= 8192 ? Files.readAllBytes(file) : new byte[0];
      if (!Arrays.equals(actual, expected)) {
        throw new StoreException(
            dir
                + " holds "
                + what
                + " \""
                + new String(actual, StandardCharsets.UTF_8)
                + "\", not \""
                + name
                + "\": two names map to one directory, which must not happen; report this");
      }
      return true;
    }
    if (create) {
      Durable.replace(file, expected);
    }
    return create;
  }

  private static boolean isPlain(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-';
  }

  private static void escape(StringBuilder out, byte b) {
    out.append('_').append(HEX.toHexDigits(b));
  }
}
