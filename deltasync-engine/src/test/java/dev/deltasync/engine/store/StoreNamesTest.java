package dev.deltasync.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandom.class)
class StoreNamesTest {
  @Test
  void encodingIsPinned() {
    assertThat(StoreNames.encode("docs")).isEqualTo("docs");
    assertThat(StoreNames.encode("my-notes-2")).isEqualTo("my-notes-2");
    assertThat(StoreNames.encode("Docs")).isEqualTo("_44ocs");
    assertThat(StoreNames.encode("a.b_c d")).isEqualTo("a_2eb_5fc_20d");
    assertThat(StoreNames.encode("..")).isEqualTo("_2e_2e");
    assertThat(StoreNames.encode("a/b\\c:d")).isEqualTo("a_2fb_5cc_3ad");
    assertThat(StoreNames.encode("Zürich")).isEqualTo("_5a_c3_bcrich");
  }

  @Test
  void windowsDeviceNamesAreEscaped() {
    assertThat(StoreNames.encode("con")).isEqualTo("_63on");
    assertThat(StoreNames.encode("nul")).isEqualTo("_6eul");
    assertThat(StoreNames.encode("com1")).isEqualTo("_63om1");
    assertThat(StoreNames.encode("console")).isEqualTo("console");
    assertThat(StoreNames.encode("CON")).isEqualTo("_43_4f_4e");
  }

  @Test
  void longNamesAreCutAtAnEscapeBoundaryAndHashed() {
    String plain = "a".repeat(StoreNames.MAX_PLAIN);
    assertThat(StoreNames.encode(plain)).isEqualTo(plain);
    String longer = plain + "a";
    String encoded = StoreNames.encode(longer);
    assertThat(encoded).startsWith("a".repeat(StoreNames.PREFIX) + "__").hasSize(40 + 2 + 64);
    // "ü" is _c3_bc: a cut must not split an escape
    assertThat(StoreNames.encode("xü".repeat(40)))
        .matches("(x_c3_bc)*(x(_c3(_bc)?)?)?__[0-9a-f]{64}");
  }

  @Test
  void distinctNamesGiveDistinctCaseInsensitiveDirectoryNames(Random random) {
    Set<String> names = new HashSet<>();
    Set<String> encoded = new HashSet<>();
    String alphabet = "aAbB.-_ /:üÜ€\uD83D\uDE00";
    for (int i = 0; i < 5000; i++) {
      StringBuilder name = new StringBuilder();
      int length = 1 + random.nextInt(random.nextBoolean() ? 4 : 60);
      while (name.length() < length) {
        int at = random.nextInt(alphabet.length());
        if (Character.isHighSurrogate(alphabet.charAt(at))) {
          name.append(alphabet, at, at + 2);
        } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
          name.append(alphabet.charAt(at));
        }
      }
      String n = name.toString();
      String e = StoreNames.encode(n);
      assertThat(e).matches("[a-z0-9_-]{1,106}").doesNotStartWith(".");
      if (names.add(n)) {
        assertThat(encoded.add(e)).as("%s collides", n).isTrue();
      }
    }
  }

  @Test
  void invalidNamesAreRefused() {
    assertThatThrownBy(() -> StoreNames.check("a\u007fb", "user"))
        .hasMessage("user name contains the control character U+007F");
    assertThatThrownBy(() -> StoreNames.check("x".repeat(1025), "collection"))
        .hasMessage("collection name has 1025 UTF-8 bytes; at most 1024 are allowed");
    assertThat(StoreNames.check("\uD83D\uDE00", "user")).isEqualTo("\uD83D\uDE00");
  }
}
