package dev.deltasync.engine.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.store.ChunkId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The gear table decides where every device cuts content. These goldens must never change: a
 * different table is a new format version.
 */
class GearTableTest {
  /** SHA-256 of the 256 values as big-endian longs; also computed independently in Python. */
  @Test
  void tableIsPinned() {
    ByteBuffer bytes = ByteBuffer.allocate(256 * Long.BYTES); // big-endian
    for (long value : GearTable.generate()) {
      bytes.putLong(value);
    }
    assertThat(ChunkId.sha256(bytes.array()).toHex())
        .isEqualTo("6cfc7b34a041f72adba776c13fb24cac03587d28fafa5b968c58af1f45b17221");
  }

  @Test
  void firstAndLastValuesArePinned() {
    long[] table = GearTable.generate();
    assertThat(table[0]).isEqualTo(0x137186a663e5db53L);
    assertThat(table[255]).isEqualTo(0xde2729d446157901L);
  }

  @Test
  void tableIsSplitMix64FromTheDocumentedSeed() {
    // SplittableRandom(seed).nextLong() is SplitMix64 with the golden gamma; it serves as a cross
    // check on this JDK only, because its Javadoc does not promise the algorithm forever.
    SplittableRandom splitMix = new SplittableRandom(GearTable.SEED);
    long[] expected = new long[256];
    Arrays.setAll(expected, i -> splitMix.nextLong());
    assertThat(GearTable.generate()).containsExactly(expected);
  }

  @Test
  void valuesAreDistinct() {
    assertThat(Arrays.stream(GearTable.generate()).distinct().count()).isEqualTo(256);
  }
}
