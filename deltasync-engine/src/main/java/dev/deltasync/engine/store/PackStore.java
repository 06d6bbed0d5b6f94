package dev.deltasync.engine.store;

import dev.deltasync.format.FormatLimits;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The content of one user in a directory store: pack files in {@code packs/} and, in memory, an
 * index from chunk id to location built from the packs' own indexes.
 *
 * <p>Writing a pack and scanning for new ones both hold the user's pack lock, so a scan never sees
 * a pack whose rename is not yet durable, and a pack never repeats a chunk another pack holds.
 * Lookups that miss re-scan the directory before answering, because other processes add packs at
 * any time. Thread-safe.
 */
final class PackStore {
  private static final System.Logger LOG = System.getLogger(PackStore.class.getName());
  static final String PACK_SUFFIX = ".dspack";
  static final String TEMP_SUFFIX = ".tmp";

  private final Path packsDir;
  private final Path lockFile;
  private final ConcurrentHashMap<ChunkId, PackFile.Location> index = new ConcurrentHashMap<>();
  private final Set<String> scanned = ConcurrentHashMap.newKeySet();

  PackStore(Path packsDir) {
    this.packsDir = packsDir;
    this.lockFile = packsDir.resolve("lock");
  }

  /** The ids among {@code ids} that no pack holds. */
  Set<ChunkId> missing(Collection<ChunkId> ids) throws IOException {
    Set<ChunkId> missing = new LinkedHashSet<>();
    for (ChunkId id : ids) {
      if (!index.containsKey(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      rescan();
      missing.removeIf(index::containsKey);
    }
    return missing;
  }

  /** Verifies the chunks, then writes those no pack holds as one new pack. */
  @SuppressWarnings("try") // the lock is held for the block, not used in it
  void put(List<StoredChunk> chunks) throws IOException {
    Map<ChunkId, byte[]> fresh = new LinkedHashMap<>();
    for (StoredChunk chunk : chunks) {
      byte[] data = chunk.data();
      if (data.length == 0 || data.length > FormatLimits.MAX_CHUNK_BYTES) {
        throw new StoreException.Rejected(
            "chunk "
                + chunk.id()
                + " has "
                + data.length
                + " bytes; a chunk has 1.."
                + FormatLimits.MAX_CHUNK_BYTES);
      }
      ChunkId actual = ChunkId.sha256(data);
      if (!actual.equals(chunk.id())) {
        throw new StoreException.Rejected(
            "chunk data does not match its id " + chunk.id() + " (its SHA-256 is " + actual + ")");
      }
      if (!index.containsKey(chunk.id())) {
        fresh.putIfAbsent(chunk.id(), data);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    if (fresh.size() > PackFile.MAX_ENTRIES) {
      throw new StoreException.Rejected(
          fresh.size() + " new chunks in one pack; at most " + PackFile.MAX_ENTRIES);
    }
    try (StoreLock lock = StoreLock.acquire(lockFile)) {
      scanLocked();
      fresh.keySet().removeIf(index::containsKey);
      if (fresh.isEmpty()) {
        return;
      }
      String name = Durable.nonce() + Durable.nonce() + PACK_SUFFIX;
      Path pack = packsDir.resolve(name);
      Path temp = packsDir.resolve(name + TEMP_SUFFIX);
      Map<ChunkId, PackFile.Location> written =
          Durable.publish(temp, pack, t -> PackFile.write(t, pack, fresh));
      scanned.add(name);
      written.forEach(index::putIfAbsent);
    }
  }

  /** The verified raw bytes of a chunk. */
  byte[] read(ChunkId id) throws IOException {
    PackFile.Location location = index.get(id);
    if (location == null) {
      rescan();
      location = index.get(id);
      if (location == null) {
        throw new StoreException.NotFound("the store holds no chunk " + id);
      }
    }
    try {
      return PackFile.readChunk(id, location);
    } catch (NoSuchFileException e) {
      throw new StoreException.Corrupt(
          "pack " + location.pack() + " holding chunk " + id + " is gone", e);
    }
  }

  /** Loads the indexes of packs not seen before, under the pack lock. */
  @SuppressWarnings("try") // the lock is held for the block, not used in it
  private void rescan() throws IOException {
    try (StoreLock lock = StoreLock.acquire(lockFile)) {
      scanLocked();
    }
  }

  /**
   * Reads the index of every pack not seen before and deletes temporary files (only lock holders
   * write them, so any found now is left over from a crash). A pack whose index is damaged is
   * skipped with a warning: its chunks count as missing, so writers store them again.
   */
  private void scanLocked() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(packsDir)) {
      for (Path entry : entries) {
        String name = String.valueOf(entry.getFileName());
        if (name.endsWith(PACK_SUFFIX + TEMP_SUFFIX)) {
          Files.deleteIfExists(entry);
        } else if (name.endsWith(PACK_SUFFIX) && !scanned.contains(name)) {
          try {
            PackFile.readIndex(entry).forEach(index::putIfAbsent);
          } catch (StoreException e) {
            LOG.log(Level.WARNING, "ignoring a damaged pack: {0}", e.getMessage());
          }
          scanned.add(name);
        }
      }
    }
  }

  /** Forgets everything held in memory. */
  void clear() {
    index.clear();
    scanned.clear();
  }
}
