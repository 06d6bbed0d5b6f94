package dev.deltasync.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyFilterTest {
  private static final long SEED = 0x5eed_f17e_2026L;

  @Test
  void anEmptyFilterContainsNothing() {
    assertThat(new KeyFilter().mightContain("")).isFalse();
    assertThat(new KeyFilter().mightContain("a")).isFalse();
  }

  @Test
  void everyKeyAddedIsFoundAndFewOthersAre() {
    SplittableRandom random = new SplittableRandom(SEED);
    KeyFilter filter = new KeyFilter();
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      String key = Long.toHexString(random.nextLong()) + "/" + i;
      added.add(key);
      filter.add(key);
    }
    for (String key : added) {
      assertThat(filter.mightContain(key)).as("seed %x, key %s", SEED, key).isTrue();
    }
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) {
      if (filter.mightContain("other/" + Long.toHexString(random.nextLong()))) {
        falsePositives++;
      }
    }
    // Expected about 0.06% with two probes into 2^23 bits; a broken probe gives far more.
    assertThat(falsePositives).as("seed %x", SEED).isLessThan(300);
  }
}
