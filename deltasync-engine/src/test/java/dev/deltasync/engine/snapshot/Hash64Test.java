package dev.deltasync.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Hash64Test {
  @Test
  void theHashOfUtf8BytesIsTheHashOfTheirText() {
    String[] texts = {
      "", "a", "docs/readme.txt", "café/Ñandú.txt", "日本語/ファイル", "emoji 😀 file", "\u0000x"
    };
    for (String text : texts) {
      assertThat(Hash64.ofUtf8(text.getBytes(StandardCharsets.UTF_8)))
          .as(text)
          .isEqualTo(Hash64.of(text));
    }
    long seed = 20261123L;
    Random random = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(20); n > 0; n--) {
        text.appendCodePoint(
            random.nextBoolean() ? 0x20 + random.nextInt(0x5f) : 0xa0 + random.nextInt(0x2ff00));
      }
      String t = text.toString();
      assertThat(Hash64.ofUtf8(t.getBytes(StandardCharsets.UTF_8)))
          .as("seed %d, text %s", seed, t)
          .isEqualTo(
              Hash64.of(new String(t.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aPathHashFinishedIsTheHashOfThePath() {
    for (String path : new String[] {"", "a", "docs/README", "café/Ñandú.txt", "日本語/ファイル"}) {
      assertThat(Hash64.finish(StatIndex.pathHash(path))).as(path).isEqualTo(Hash64.of(path));
    }
  }

  @Test
  void differentTextsHashDifferently() {
    assertThat(Hash64.of("a/b")).isNotEqualTo(Hash64.of("a/c"));
    assertThat(Hash64.of("ab")).isNotEqualTo(Hash64.of("ba"));
    assertThat(Hash64.of("")).isNotEqualTo(Hash64.of("\u0000"));
  }
}
