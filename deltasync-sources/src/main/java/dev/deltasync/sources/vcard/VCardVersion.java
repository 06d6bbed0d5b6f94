package dev.deltasync.sources.vcard;

import com.github.mangstadt.vinnie.SyntaxStyle;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The vCard versions this source reads and writes, with the syntax each uses. */
enum VCardVersion {
  V2_1("2.1", SyntaxStyle.OLD),
  V3_0("3.0", SyntaxStyle.NEW),
  V4_0("4.0", SyntaxStyle.NEW);

  /** The version of a new, empty target. */
  static final VCardVersion DEFAULT = V3_0;

  final String text;
  final SyntaxStyle style;

  VCardVersion(String text, SyntaxStyle style) {
    this.text = text;
    this.style = style;
  }

  /** The version a VERSION value names, or null when it is none of 2.1, 3.0 and 4.0. */
  static @Nullable VCardVersion of(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    for (VCardVersion version : values()) {
      if (version.text.equals(trimmed)) {
        return version;
      }
    }
    return null;
  }

  boolean old() {
    return style == SyntaxStyle.OLD;
  }

  /** The version with the most entries ({@link #DEFAULT} when there are none). */
  static VCardVersion majority(Map<VCardVersion, Integer> versions) {
    VCardVersion best = DEFAULT;
    int count = 0;
    for (Map.Entry<VCardVersion, Integer> entry : versions.entrySet()) {
      if (entry.getValue() > count) {
        best = entry.getKey();
        count = entry.getValue();
      }
    }
    return best;
  }
}
