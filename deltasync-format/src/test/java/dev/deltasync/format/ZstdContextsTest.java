package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ZstdContextsTest {
  private static final long SEED = 0x2d57_c0de_2026L;

  /** Text-like bytes that compress, from {@code random}. */
  private static byte[] sample(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(6));
    }
    return bytes;
  }

  @Test
  void aKeptContextCompressesAsANewOneWhateverLevelItLastHad() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 200; i++) {
      byte[] raw = sample(random, 1 + random.nextInt(100_000));
      int level = i % 2 == 0 ? 1 : 19; // alternate: a context keeps no level from its last use
      byte[] out = new byte[(int) Zstd.compressBound(raw.length)];
      int size = ZstdContexts.compress(out, raw, 0, raw.length, level);
      assertThat(Arrays.copyOf(out, size))
          .as("seed %x, call %d", SEED, i)
          .isEqualTo(Zstd.compress(raw, level));
    }
  }

  @Test
  void roundTripsOnSeveralThreadsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2 * ZstdContexts.KEPT);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 2 * ZstdContexts.KEPT; t++) {
        long seed = SEED + t;
        done.add(
            pool.submit(() -> {
              SplittableRandom random = new SplittableRandom(seed);
              for (int i = 0; i < 300; i++) {
                byte[] raw = sample(random, 1 + random.nextInt(20_000));
                byte[] out = new byte[(int) Zstd.compressBound(raw.length)];
                int size = ZstdContexts.compress(out, raw, 0, raw.length, PackLayout.ZSTD_LEVEL);
                byte[] back = new byte[raw.length];
                int n = ZstdContexts.decompress(back, Arrays.copyOf(out, size));
                assertThat(n).as("seed %x, call %d", seed, i).isEqualTo(raw.length);
                assertThat(back).as("seed %x, call %d", seed, i).isEqualTo(raw);
              }
              return null;
            }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFrameThatExpandsPastItsRoomFailsAndLeavesTheContextUsable() {
    byte[] raw = sample(new SplittableRandom(SEED), 10_000);
    byte[] frame = Zstd.compress(raw, 3);
    for (int i = 0; i < 2 * ZstdContexts.KEPT; i++) {
      assertThatThrownBy(() -> ZstdContexts.decompress(new byte[raw.length - 1], frame))
          .isInstanceOf(ZstdException.class);
    }
    byte[] back = new byte[raw.length];
    assertThat(ZstdContexts.decompress(back, frame)).isEqualTo(raw.length);
    assertThat(back).isEqualTo(raw);
  }
}
