package dev.deltasync.engine.store;

import static dev.deltasync.engine.store.DirectoryLogStoreTest.flipByte;
import static dev.deltasync.engine.store.TestLogs.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SeededRandom.class)
class DirectoryLogStorePackTest {
  @TempDir Path root;

  private DirectoryLogStore open() throws IOException {
    return DirectoryLogStore.open(root, USER);
  }

  private Path packsDir() {
    return root.resolve("users/alice/packs");
  }

  private List<Path> packs() throws IOException {
    try (Stream<Path> files = Files.list(packsDir())) {
      return files.filter(p -> p.toString().endsWith(".dspack")).sorted().toList();
    }
  }

  static StoredChunk random(Random random, int maxLength) {
    byte[] data = new byte[1 + random.nextInt(maxLength)];
    random.nextBytes(data);
    return chunk(data);
  }

  static StoredChunk text(String line, int times) {
    return chunk(line.repeat(times).getBytes(StandardCharsets.UTF_8));
  }

  static StoredChunk chunk(byte[] data) {
    return new StoredChunk(ChunkId.sha256(data), data);
  }

  @Test
  void chunksRoundTripAndOnlyUnknownIdsAreMissing(Random random) throws IOException {
    StoredChunk a = random(random, 64 * 1024);
    StoredChunk b = text("The quick brown fox jumps over the lazy dog.\n", 400);
    StoredChunk c = random(random, 100);
    ChunkId unknown = ChunkId.sha256(new byte[] {42});
    try (DirectoryLogStore store = open()) {
      assertThat(store.missingChunks(List.of(a.id(), b.id()))).containsExactly(a.id(), b.id());
      store.putPack(List.of(a, b, c));
      assertThat(store.missingChunks(List.of(a.id(), unknown, b.id(), c.id())))
          .containsExactly(unknown);
      assertThat(store.readChunk(a.id())).isEqualTo(a.data());
      assertThat(store.readChunk(b.id())).isEqualTo(b.data());
      assertThat(store.readChunk(c.id())).isEqualTo(c.data());
      assertThatThrownBy(() -> store.readChunk(unknown))
          .isInstanceOf(StoreException.NotFound.class)
          .hasMessageContaining(unknown.toHex());
    }
    assertThat(packs()).hasSize(1);
  }

  @Test
  void compressibleChunksAreStoredCompressedAndIncompressibleOnesRaw(Random random)
      throws IOException {
    StoredChunk text = text("0123456789abcdef", 4096); // 64 KiB
    StoredChunk noise = random(random, 1000);
    try (DirectoryLogStore store = open()) {
      store.putPack(List.of(text, noise));
    }
    Path pack = packs().get(0);
    Map<ChunkId, PackFile.Location> index = PackFile.readIndex(pack);
    PackFile.Location textAt = Objects.requireNonNull(index.get(text.id()));
    PackFile.Location noiseAt = Objects.requireNonNull(index.get(noise.id()));
    assertThat(textAt.codec()).isEqualTo(PackFile.CODEC_ZSTD);
    assertThat(textAt.entry().storedLength()).isLessThan(1000);
    assertThat(noiseAt.codec()).isEqualTo(PackFile.CODEC_STORED);
    assertThat(Files.size(pack)).isLessThan(text.data().length);
  }

  @Test
  void identicalContentIsStoredOnce(Random random) throws IOException {
    StoredChunk a = random(random, 1000);
    StoredChunk b = random(random, 1000);
    StoredChunk c = random(random, 1000);
    try (DirectoryLogStore store = open()) {
      store.putPack(List.of(a, a, b));
      assertThat(packs()).hasSize(1);
      assertThat(PackFile.readIndex(packs().get(0))).containsOnlyKeys(a.id(), b.id());
      store.putPack(List.of(a, b));
      assertThat(packs()).hasSize(1); // nothing new, nothing written
    }
    try (DirectoryLogStore other = open()) {
      other.putPack(List.of(b, c)); // a fresh instance knows what the store holds
      assertThat(packs()).hasSize(2);
      long holdingC = packs().stream().filter(p -> indexOf(p).containsKey(c.id())).count();
      long holdingB = packs().stream().filter(p -> indexOf(p).containsKey(b.id())).count();
      assertThat(holdingC).isOne();
      assertThat(holdingB).isOne();
      assertThat(other.readChunk(c.id())).isEqualTo(c.data());
    }
  }

  private static Map<ChunkId, PackFile.Location> indexOf(Path pack) {
    try {
      return PackFile.readIndex(pack);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aChunkWhoseBytesDoNotMatchItsIdIsRejectedAndNothingIsWritten(Random random)
      throws IOException {
    StoredChunk good = random(random, 1000);
    StoredChunk bad = new StoredChunk(good.id(), new byte[] {1, 2, 3});
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.putPack(List.of(random(random, 10), bad)))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("does not match its id " + good.id());
      assertThatThrownBy(() -> store.putPack(List.of(chunk(new byte[0]))))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("0 bytes");
      assertThat(packs()).isEmpty();
    }
  }

  @Test
  void aDamagedByteInAStoredChunkIsCorruptOnRead(Random random) throws IOException {
    StoredChunk noise = random(random, 5000);
    try (DirectoryLogStore store = open()) {
      store.putPack(List.of(noise));
      // the one chunk's bytes start right after the 16-byte header
      flipByte(packs().get(0), PackFile.HEADER_BYTES + random.nextInt(noise.data().length));
      assertThatThrownBy(() -> store.readChunk(noise.id()))
          .isInstanceOf(StoreException.Corrupt.class)
          .hasMessageContaining("do not match its id");
    }
  }

  @Test
  void aDamagedCompressedChunkIsCorruptOnRead() throws IOException {
    StoredChunk text = text("all work and no play makes jack a dull boy. ", 2000);
    try (DirectoryLogStore store = open()) {
      store.putPack(List.of(text));
      flipByte(packs().get(0), PackFile.HEADER_BYTES + 5);
      assertThatThrownBy(() -> store.readChunk(text.id()))
          .isInstanceOf(StoreException.Corrupt.class);
    }
  }

  @Test
  void aPackWithADamagedIndexIsSkippedAndItsChunksCanBeStoredAgain(Random random)
      throws IOException {
    StoredChunk a = random(random, 1000);
    try (DirectoryLogStore store = open()) {
      store.putPack(List.of(a));
    }
    Path damaged = packs().get(0);
    flipByte(damaged, Files.size(damaged) - PackFile.TRAILER_BYTES - 3); // inside the index
    try (DirectoryLogStore store = open()) {
      assertThat(store.missingChunks(List.of(a.id()))).containsExactly(a.id());
      store.putPack(List.of(a));
      assertThat(store.missingChunks(List.of(a.id()))).isEmpty();
      assertThat(store.readChunk(a.id())).isEqualTo(a.data());
    }
    assertThat(packs()).hasSize(2);
  }

  @Test
  void aSecondInstanceSeesPacksTheFirstWritesLater(Random random) throws IOException {
    StoredChunk a = random(random, 1000);
    StoredChunk b = random(random, 1000);
    try (DirectoryLogStore writer = open();
        DirectoryLogStore reader = open()) {
      assertThat(reader.missingChunks(List.of(a.id()))).containsExactly(a.id());
      writer.putPack(List.of(a));
      assertThat(reader.missingChunks(List.of(a.id(), b.id()))).containsExactly(b.id());
      writer.putPack(List.of(b));
      assertThat(reader.readChunk(b.id())).isEqualTo(b.data()); // found by a re-scan
    }
  }

  @Test
  void leftoverTemporaryPackFilesAreIgnoredAndDeleted(Random random) throws IOException {
    StoredChunk a = random(random, 1000);
    Path temp = packsDir().resolve("0123456789abcdef0123456789abcdef.dspack.tmp");
    try (DirectoryLogStore store = open()) {
      Files.write(temp, new byte[] {1, 2, 3});
      assertThat(store.missingChunks(List.of(a.id()))).containsExactly(a.id());
      assertThat(temp).doesNotExist();
      store.putPack(List.of(a));
      assertThat(store.readChunk(a.id())).isEqualTo(a.data());
    }
  }

  @Test
  void packsAreSegregatedByUser(Random random) throws IOException {
    StoredChunk a = random(random, 1000);
    try (DirectoryLogStore alice = open();
        DirectoryLogStore bob = DirectoryLogStore.open(root, "bob")) {
      alice.putPack(List.of(a));
      assertThat(bob.missingChunks(List.of(a.id()))).containsExactly(a.id());
      assertThatThrownBy(() -> bob.readChunk(a.id())).isInstanceOf(StoreException.NotFound.class);
    }
  }
}
