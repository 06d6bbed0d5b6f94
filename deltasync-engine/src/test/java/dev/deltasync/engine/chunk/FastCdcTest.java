package dev.deltasync.engine.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastCdcTest {
  private static final FastCdc DEFAULT = FastCdc.withDefaults();

  /**
   * Where the defaults cut 1 MiB of {@code new Random(20250601).nextBytes}. Pinned: a change here
   * changes the chunk ids of every stored file, which is a new format version.
   */
  private static final int[] GOLDEN_CUTS = {
    10997, 28249, 47407, 65730, 82353, 99032, 123231, 150322, 167475, 199691, 220899, 246966,
    272003, 290137, 294676, 311308, 329630, 346526, 363925, 383180, 417537, 434069, 447993, 469805,
    491301, 508720, 528719, 550607, 568536, 582744, 601486, 618392, 635437, 654741, 677505, 696536,
    722033, 745912, 762335, 779759, 800278, 818568, 826288, 850724, 873645, 895429, 912063, 934271,
    952028, 969410, 988590, 996268, 1008837, 1026334, 1030893, 1048576
  };

  @Test
  void cutPointsOfSeededMebibyteArePinned() {
    byte[] data = RandomBytes.stable(1 << 20, 20250601L);
    assertThat(DEFAULT.cutPoints(data)).containsExactly(GOLDEN_CUTS);
  }

  @Test
  void sameContentGivesSameCutsEveryTime() {
    long seed = RandomBytes.seed();
    byte[] data = RandomBytes.fast(3 << 20, seed);
    int[] first = DEFAULT.cutPoints(data);
    assertThat(FastCdc.withDefaults().cutPoints(data.clone())).as("seed %d", seed).isEqualTo(first);
  }

  @Test
  void everyChunkButTheLastIsWithinMinimumAndMaximum() {
    long seed = RandomBytes.seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 20; round++) {
      byte[] data = RandomBytes.fast(random.nextInt(1 << 20), random.nextLong());
      int[] lengths = lengths(DEFAULT.cutPoints(data));
      for (int i = 0; i < lengths.length - 1; i++) {
        assertThat(lengths[i])
            .as("seed %d, round %d, chunk %d", seed, round, i)
            .isBetween(4096, 65536);
      }
      if (lengths.length > 0) {
        assertThat(lengths[lengths.length - 1]).as("seed %d, last chunk", seed).isBetween(1, 65536);
      }
      assertThat(Arrays.stream(lengths).asLongStream().sum())
          .as("seed %d", seed)
          .isEqualTo(data.length);
    }
  }

  @Test
  void emptyInputHasNoChunks() {
    assertThat(DEFAULT.cutPoints(new byte[0])).isEmpty();
    assertThat(DEFAULT.chunkLength(new byte[0], 0, 0)).isZero();
  }

  @Test
  void inputUpToTheMinimumIsOneChunk() {
    assertThat(DEFAULT.cutPoints(new byte[1])).containsExactly(1);
    assertThat(DEFAULT.cutPoints(RandomBytes.fast(4095, 1))).containsExactly(4095);
    assertThat(DEFAULT.cutPoints(RandomBytes.fast(4096, 2))).containsExactly(4096);
  }

  @Test
  void contentWithoutCutPointIsCutAtTheMaximum() {
    // A run of one byte value gives a constant hash, here one whose top bits are not zero.
    assertThat(lengths(DEFAULT.cutPoints(new byte[200_000])))
        .containsExactly(65536, 65536, 65536, 3392);
  }

  @Test
  void rangeOfAnArrayIsCutLikeACopyOfIt() {
    byte[] data = RandomBytes.fast(500_000, 3);
    int[] whole = DEFAULT.cutPoints(Arrays.copyOfRange(data, 1000, 401_000));
    assertThat(DEFAULT.cutPoints(data, 1000, 400_000)).isEqualTo(whole);
  }

  @Test
  void rangeOutsideTheArrayIsRefused() {
    assertThatExceptionOfType(IndexOutOfBoundsException.class)
        .isThrownBy(() -> DEFAULT.cutPoints(new byte[10], 5, 6));
    assertThatExceptionOfType(IndexOutOfBoundsException.class)
        .isThrownBy(() -> DEFAULT.chunkLength(new byte[10], 4, 11));
  }

  /** The optimized loop (eight bytes a step, hash rebuilt at the average) equals the plain one. */
  @Test
  void cutsEqualThoseOfThePlainAlgorithmForAnyParameters() {
    long seed = RandomBytes.seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 40; round++) {
      int minSize = 64 + random.nextInt(2000);
      int averageSize = Integer.highestOneBit(minSize) << (1 + random.nextInt(3));
      int maxSize = averageSize + 1 + random.nextInt(4 * averageSize);
      ChunkerParameters parameters =
          new ChunkerParameters(minSize, averageSize, maxSize, random.nextInt(4));
      byte[] data = RandomBytes.fast(random.nextInt(300_000), random.nextLong());
      assertThat(lengths(FastCdc.of(parameters).cutPoints(data)))
          .as("seed %d, %s, %d bytes", seed, parameters, data.length)
          .containsExactly(
              new ReferenceChunker(parameters).lengths(data).stream().mapToInt(i -> i).toArray());
    }
  }

  @Test
  void averageChunkOverRandomContentIsWithinAQuarterOfTheTarget() {
    byte[] data = RandomBytes.fast(64 << 20, 64);
    double mean = (double) data.length / DEFAULT.cutPoints(data).length;
    assertThat(mean).isBetween(16384 * 0.75, 16384 * 1.25);
  }

  static int[] lengths(int[] cuts) {
    int[] lengths = new int[cuts.length];
    for (int i = 0; i < cuts.length; i++) {
      lengths[i] = cuts[i] - (i == 0 ? 0 : cuts[i - 1]);
    }
    return lengths;
  }
}
