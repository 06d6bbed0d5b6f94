package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SeenItemsTest {
  @Test
  void remembersEveryAddedIdAndNoOther() {
    SeenItems seen = new SeenItems();
    for (int i = 0; i < 200_000; i++) {
      seen.add("id-" + i);
    }
    for (int i = 0; i < 200_000; i++) {
      assertThat(seen.contains("id-" + i)).as("id-%d", i).isTrue();
    }
    int falsePositives = 0;
    for (int i = 0; i < 200_000; i++) {
      if (seen.contains(
          UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)})
              .toString())) {
        falsePositives++;
      }
    }
    assertThat(falsePositives).isZero();
    assertThat(seen.contains("")).isFalse();
    seen.add("");
    assertThat(seen.contains("")).isTrue();
  }

  @Test
  void addSaysWhetherTheHashWasNew() {
    SeenItems seen = new SeenItems();
    assertThat(seen.add("docs/a.txt")).isTrue();
    assertThat(seen.add("docs/a.txt")).isFalse();
    assertThat(seen.add("docs/b.txt")).isTrue();
    assertThat(seen.size()).isEqualTo(2);
  }

  @Test
  void roomMadeAheadKeepsWhatWasAddedAndTakesMore() {
    SeenItems seen = new SeenItems();
    seen.add("before");
    seen.addHash(SeenItems.hash("by hash"));
    seen.expect(50_000);
    int capacity = seen.capacity();
    assertThat(capacity).isGreaterThanOrEqualTo(100_000);
    for (int i = 0; i < 50_000; i++) {
      assertThat(seen.add("id-" + i)).isTrue();
    }
    assertThat(seen.capacity()).as("sized once: no growth while adding").isEqualTo(capacity);
    assertThat(seen.contains("before")).isTrue();
    assertThat(seen.contains("by hash")).isTrue();
    assertThat(seen.contains("id-49999")).isTrue();
    assertThat(seen.size()).isEqualTo(50_002);
    seen.expect(10); // never shrinks
    assertThat(seen.capacity()).isEqualTo(capacity);
    assertThat(seen.contains("id-0")).isTrue();
  }
}
