package dev.deltasync.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where one user's change logs and content live: the server, or a plain directory. The engine talks
 * to every store through this interface only.
 *
 * <p>Contract, for every implementation:
 *
 * <ul>
 *   <li>Synchronous and thread-safe; several processes may use the same store at once.
 *   <li>A store holds one user's data; collections are named data sets inside it.
 *   <li>Logs of a collection have sequence numbers 1, 2, 3, ... without gaps, in append order.
 *   <li>A log or chunk is visible to readers only once it is complete and durable: a crash at any
 *       moment leaves either nothing or the whole thing.
 *   <li>A chunk, once held ({@link #putPack} returned, or {@link #missingChunks} left it out),
 *       stays held: a sync that saw it stored does not ask again before it pushes a log that refers
 *       to it.
 *   <li>Every method throws {@link IOException}: {@link StoreException} and its subclasses for the
 *       store's own refusals, plain {@code IOException} for failures underneath (disk, network),
 *       which a caller may retry.
 * </ul>
 */
public interface LogStore extends Closeable {
  /** The sequence number of the collection's newest log; 0 when it has none (or is unknown). */
  long head(String collection) throws IOException;

  /**
   * Appends an encoded change log when the collection's head is {@code expectedHead}
   * (compare-and-set). Idempotent by log id: when a log with the same id is already in the
   * collection, nothing is written and the result is {@code Appended(itsSequence, true)}, whatever
   * {@code expectedHead} is.
   *
   * @param encodedLog a v1 change log whose header names this store's user and {@code collection};
   *     the store checks the header, not the body
   * @return {@link AppendResult.Appended} with the new sequence ({@code expectedHead + 1}), or
   *     {@link AppendResult.HeadMoved} with the actual head
   * @throws StoreException.Rejected when the header is invalid or names another user or collection
   */
  AppendResult append(String collection, long expectedHead, byte[] encodedLog) throws IOException;

  /**
   * Lists the collection's logs with a sequence above {@code after}, in order, at most {@code max}
   * of them. An unknown collection has no logs.
   */
  List<LogEntry> list(String collection, long after, int max) throws IOException;

  /**
   * Returns the encoded log at {@code sequence}, exactly as appended.
   *
   * @throws StoreException.NotFound when there is no such log
   */
  byte[] read(String collection, long sequence) throws IOException;

  /** Returns the ids among {@code ids} whose chunks this store does not hold. */
  Set<ChunkId> missingChunks(Collection<ChunkId> ids) throws IOException;

  /**
   * Stores the chunks together as one pack (callers group a few MiB per call). Chunks the store
   * already holds may be skipped. When this returns, every chunk is durable and readable.
   *
   * @throws StoreException.Rejected when a chunk's data does not match its id
   */
  void putPack(List<StoredChunk> chunks) throws IOException;

  /**
   * Returns a chunk's raw bytes, verified against its id.
   *
   * @throws StoreException.NotFound when the store does not hold it
   * @throws StoreException.Corrupt when the stored bytes do not match the id
   */
  byte[] readChunk(ChunkId id) throws IOException;
}
