package dev.deltasync.engine.store;

import dev.deltasync.format.v1.LogHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link LogStore} in a plain directory: two folders on one machine, or devices sharing a drive,
 * sync through it with no server. The layout, the locking and the crash behaviour are specified in
 * {@code docs/directory-store.md}.
 *
 * <p><b>Threading.</b> Thread-safe. Any number of instances, in this and in other processes, may
 * use the same directory at once. Appends to one collection are serialised by a lock file per
 * collection ({@link java.nio.channels.FileChannel#lock()}, plus an in-process lock shared by every
 * instance in this JVM); pack writes and pack scans of one user by a lock file per user. Reads take
 * no lock. Calls block while another process holds a lock they need.
 *
 * <p><b>Atomicity and visibility.</b> An append is a compare-and-set at the expected head. A log is
 * written to a temporary file, fsynced, renamed to its final name, the directory fsynced, and only
 * then its record written (and fsynced) to the collection's log index; that record makes it
 * visible. When {@code append} returns, the log is durable and every reader sees it. A crash at any
 * moment leaves either no log or the whole log: a log renamed but not yet indexed is invisible, and
 * the next append commits it after checking its header (so a retry of the crashed append finds it
 * by its id). Packs are written the same way (temporary file, fsync, rename, directory fsync, under
 * the pack lock) and are visible once {@code putPack} returns. Temporary files left by a crash are
 * ignored, and deleted by the next writer.
 *
 * <p><b>What is checked.</b> On append: the prefix and header, by the format module; that the
 * header names this store's user and the collection; that the log's length is what its header
 * declares. On list and read: each log file's header again, its log id and user and collection
 * against the index, and its length; the body's hashes are the engine's to verify when it decodes.
 * Each chunk is verified against its id (SHA-256) when stored and when read.
 *
 * <p><b>Limits.</b> A log must fit in a Java array (under 2 GiB), because the SPI passes logs as
 * {@code byte[]}. Every chunk of every pack this instance has scanned stays in an in-memory index,
 * about 120 bytes per chunk on a 64-bit JVM (about 120 MB for a million chunks, some 16 GiB of
 * content at the 16 KiB average chunk size); the log index of every collection it has touched stays
 * in memory too, about 150 bytes per log. Names follow the format's name rules (at most 1024 UTF-8
 * bytes, no control characters). The store relies on the file system for atomic rename within a
 * directory, for fsync, and for working advisory locks across processes: local file systems, and
 * network shares with working byte-range locks (SMB, NFSv4), qualify.
 *
 * <p>Do not use an instance after {@link #close()}, and do not close it while calls are running.
 */
public final class DirectoryLogStore implements LogStore {
  private final Path root;
  private final String user;
  private final Path userDir;
  private final PackStore packs;
  private final ConcurrentHashMap<String, CollectionLog> collections = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private DirectoryLogStore(Path root, String user, Path userDir) {
    this.root = root;
    this.user = user;
    this.userDir = userDir;
    this.packs = new PackStore(userDir.resolve("packs"));
  }

  /**
   * Opens the store at {@code root} for {@code user}, creating the directory and the layout when
   * absent. Opening is cheap: logs and pack indexes are read when first needed.
   *
   * @param root an empty or absent directory for a new store, or the root of an existing one
   * @param user the user whose logs and content this instance reads and writes
   * @throws IllegalArgumentException when {@code user} breaks the name rules
   * @throws StoreException when {@code root} is a file, is a non-empty directory that is not a
   *     store, has a marker that is not ours, or has a layout newer than this build reads
   * @throws IOException when the file system fails
   */
  public static DirectoryLogStore open(Path root, String user) throws IOException {
    StoreNames.check(user, "user");
    Path absolute = root.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new StoreException(absolute + " is a file; a directory store needs a directory");
    }
    Path existing = absolute;
    while (!Files.isDirectory(existing) && existing.getParent() != null) {
      existing = existing.getParent();
    }
    Durable.createDirectories(existing, absolute);
    Path real = absolute.toRealPath();
    StoreMarker.checkOrCreate(real);
    Path userDir = real.resolve("users").resolve(StoreNames.encode(user));
    Durable.createDirectories(real, userDir.resolve("collections"));
    Durable.createDirectories(real, userDir.resolve("packs"));
    StoreNames.claim(userDir, user, "user", true);
    return new DirectoryLogStore(real, user, userDir);
  }

  /** The store's root directory, as a real path. */
  public Path root() {
    return root;
  }

  /** The user this instance serves. */
  public String user() {
    return user;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the log index; takes no lock. An unknown collection has head 0.
   *
   * @throws IllegalArgumentException when {@code collection} breaks the name rules
   * @throws StoreException.Corrupt when the collection's log index has a damaged header
   * @throws StoreException when the store is closed
   */
  @Override
  public long head(String collection) throws IOException {
    return collection(collection).head();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Holds the collection's lock while it checks the head and the log id and writes the log.
   *
   * @throws IllegalArgumentException when {@code collection} breaks the name rules or {@code
   *     expectedHead} is negative
   * @throws StoreException.Rejected when the format module refuses the prefix or header (its
   *     message is kept), the header names another user or collection, or the log's length is not
   *     what its header declares
   * @throws StoreException when the store is closed, or a log file exists where none may (the file
   *     system does not honour locks)
   * @throws IOException when the file system fails; the append may or may not have happened, and a
   *     retry with the same log is safe
   */
  @Override
  public AppendResult append(String collection, long expectedHead, byte[] encodedLog)
      throws IOException {
    CollectionLog log = collection(collection);
    if (expectedHead < 0) {
      throw new IllegalArgumentException("expected head " + expectedHead + " is negative");
    }
    LogHeader header = LogHeaders.checkOffered(encodedLog, user, collection);
    return log.append(expectedHead, encodedLog, header.getLogId());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads each listed log's header from its file.
   *
   * @throws IllegalArgumentException when {@code collection} breaks the name rules, or {@code
   *     after} or {@code max} is negative
   * @throws StoreException.Corrupt when a listed log's file is missing or its header, id or length
   *     does not match the index
   * @throws StoreException when the store is closed
   */
  @Override
  public List<LogEntry> list(String collection, long after, int max) throws IOException {
    CollectionLog log = collection(collection);
    if (after < 0 || max < 0) {
      throw new IllegalArgumentException(
          "after (" + after + ") and max (" + max + ") must not be negative");
    }
    return log.list(after, max);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when {@code collection} breaks the name rules
   * @throws StoreException.NotFound when {@code sequence} is not between 1 and the head
   * @throws StoreException.Corrupt when the log's file is missing, or its length, header, id, user
   *     or collection does not match the index
   * @throws StoreException when the store is closed
   */
  @Override
  public byte[] read(String collection, long sequence) throws IOException {
    return collection(collection).read(sequence);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answers from the in-memory chunk index; when some ids are not in it, first loads the indexes
   * of packs that appeared since (under the pack lock).
   *
   * @throws StoreException when the store is closed
   */
  @Override
  public Set<ChunkId> missingChunks(Collection<ChunkId> ids) throws IOException {
    checkOpen();
    return packs.missing(ids);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Verifies every chunk first (nothing is written when one fails), skips chunks the store holds
   * and repeats within the call, and writes the rest as one pack file under the pack lock. Each
   * chunk is zstd-compressed when that saves space. With nothing new, writes nothing.
   *
   * @throws StoreException.Rejected when a chunk's data does not match its id, is empty or longer
   *     than the format's chunk limit (8 MiB), or there are more than a million new chunks
   * @throws StoreException when the store is closed
   */
  @Override
  public void putPack(List<StoredChunk> chunks) throws IOException {
    checkOpen();
    packs.put(chunks);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads only the chunk's byte range of its pack and decompresses it into at most its recorded
   * length.
   *
   * @throws StoreException.NotFound when no pack holds the chunk (after a re-scan)
   * @throws StoreException.Corrupt when the bytes do not decompress to the recorded length, do not
   *     match the id, or the pack is shorter than its index says or gone
   * @throws StoreException when the store is closed
   */
  @Override
  public byte[] readChunk(ChunkId id) throws IOException {
    checkOpen();
    return packs.read(id);
  }

  /** Forgets the in-memory indexes; the instance holds no files or locks between calls. */
  @Override
  public void close() {
    closed = true;
    collections.clear();
    packs.clear();
  }

  @Override
  public String toString() {
    return "DirectoryLogStore[" + root + ", user " + user + "]";
  }

  private CollectionLog collection(String collection) throws StoreException {
    checkOpen();
    CollectionLog log = collections.get(collection);
    if (log != null) {
      return log;
    }
    StoreNames.check(collection, "collection");
    return collections.computeIfAbsent(collection, c -> new CollectionLog(user, c, userDir));
  }

  private void checkOpen() throws StoreException {
    if (closed) {
      throw new StoreException(this + " is closed");
    }
  }
}
