package dev.deltasync.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandom.class)
class ChunkIdSetTest {
  private static ChunkId randomId(Random random) {
    byte[] bytes = new byte[ChunkId.BYTES];
    random.nextBytes(bytes);
    return ChunkId.of(bytes);
  }

  @RepeatedTest(5)
  void holdsWhatWasAddedThroughEveryGrowthAndNothingElse(Random random) {
    ChunkIdSet set = new ChunkIdSet(1 << 16);
    List<ChunkId> added = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) { // grows from 1,024 slots to 65,536
      ChunkId id = randomId(random);
      assertThat(set.add(id)).isTrue();
      added.add(id);
    }
    assertThat(set.size()).isEqualTo(added.size());
    assertThat(added).allMatch(set::contains);
    for (int i = 0; i < 10_000; i++) {
      assertThat(set.contains(randomId(random))).isFalse();
    }
  }

  @Test
  void idsThatShareTheirFirstEightBytesAreToldApart() {
    // The first 8 bytes are the hash: these ids all start their probe in the same slot.
    byte[] bytes = new byte[ChunkId.BYTES];
    List<ChunkId> alike = new ArrayList<>();
    ChunkIdSet set = new ChunkIdSet(1024);
    for (int i = 0; i < 100; i++) {
      bytes[ChunkId.BYTES - 1] = (byte) i;
      ChunkId id = ChunkId.of(bytes);
      alike.add(id);
      if (i % 2 == 0) {
        set.add(id);
      }
    }
    for (int i = 0; i < alike.size(); i++) {
      assertThat(set.contains(alike.get(i))).as("id %d", i).isEqualTo(i % 2 == 0);
    }
    assertThat(set.size()).isEqualTo(50);
  }

  @Test
  void anIdAddedTwiceIsHeldOnce(Random random) {
    ChunkIdSet set = new ChunkIdSet(1024);
    ChunkId id = randomId(random);
    assertThat(set.add(id)).isTrue();
    assertThat(set.add(ChunkId.of(id.toBytes()))).isTrue();
    assertThat(set.size()).isEqualTo(1);
  }

  @Test
  void aFullSetTakesNoMoreIdsAndSaysSo(Random random) {
    ChunkIdSet set = new ChunkIdSet(1024); // three quarters: 768 ids
    List<ChunkId> added = new ArrayList<>();
    while (added.size() < 768) {
      ChunkId id = randomId(random);
      assertThat(set.add(id)).isTrue();
      added.add(id);
    }
    ChunkId more = randomId(random);
    assertThat(set.add(more)).isFalse();
    assertThat(set.contains(more)).isFalse();
    assertThat(set.size()).isEqualTo(768);
    assertThat(set.add(added.get(0))).as("one it holds").isTrue();
    assertThat(added).allMatch(set::contains);
  }

  @Test
  void theMostSlotsArePowersOfTwoFrom1024ToTheLimit() {
    assertThatThrownBy(() -> new ChunkIdSet(512)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkIdSet(ChunkIdSet.MAX_SLOTS * 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkIdSet(3000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
  }
}
