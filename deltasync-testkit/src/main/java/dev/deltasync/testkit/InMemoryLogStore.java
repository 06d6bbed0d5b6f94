package dev.deltasync.testkit;

import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.engine.store.StoreException;
import dev.deltasync.engine.store.StoredChunk;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link LogStore} in memory, with the full contract (compare-and-set, idempotent appends, header
 * checks, verified chunks). Thread-safe. For tests and simulations; nothing is durable.
 */
public final class InMemoryLogStore implements LogStore {
  private record Stored(LogEntry entry, byte[] bytes) {}

  private final String user;
  private final Map<String, List<Stored>> logs = new HashMap<>();
  private final Map<ChunkId, byte[]> chunks = new HashMap<>();

  public InMemoryLogStore(String user) {
    this.user = user;
  }

  @Override
  public synchronized long head(String collection) {
    return logs.getOrDefault(collection, List.of()).size();
  }

  @Override
  public synchronized AppendResult append(String collection, long expectedHead, byte[] encodedLog)
      throws IOException {
    LogHeader header;
    try (ChangeLogReader reader = ChangeLogReader.open(new ByteArrayInputStream(encodedLog))) {
      header = reader.header();
    } catch (ChangeLogFormatException e) {
      throw new StoreException.Rejected("not a valid change log: " + e.getMessage(), e);
    }
    if (!header.getUser().equals(user) || !header.getCollection().equals(collection)) {
      throw new StoreException.Rejected(
          "the log belongs to user '"
              + header.getUser()
              + "', collection '"
              + header.getCollection()
              + "', not here");
    }
    List<Stored> list = logs.computeIfAbsent(collection, c -> new ArrayList<>());
    for (Stored stored : list) {
      if (stored.entry().logId().equals(header.getLogId())) {
        return new AppendResult.Appended(stored.entry().sequence(), true);
      }
    }
    if (expectedHead != list.size()) {
      return new AppendResult.HeadMoved(list.size());
    }
    long sequence = list.size() + 1L;
    LogEntry entry =
        new LogEntry(
            sequence,
            header.getLogId(),
            header.getOriginDevice(),
            header.getCreatedMillis(),
            encodedLog.length);
    list.add(new Stored(entry, encodedLog.clone()));
    return new AppendResult.Appended(sequence, false);
  }

  @Override
  public synchronized List<LogEntry> list(String collection, long after, int max) {
    List<LogEntry> result = new ArrayList<>();
    List<Stored> list = logs.getOrDefault(collection, List.of());
    for (long s = after; s < list.size() && result.size() < max; s++) {
      result.add(list.get((int) s).entry());
    }
    return result;
  }

  @Override
  public synchronized byte[] read(String collection, long sequence) throws IOException {
    List<Stored> list = logs.getOrDefault(collection, List.of());
    if (sequence < 1 || sequence > list.size()) {
      throw new StoreException.NotFound("collection '" + collection + "' has no log " + sequence);
    }
    return list.get((int) sequence - 1).bytes().clone();
  }

  @Override
  public synchronized Set<ChunkId> missingChunks(Collection<ChunkId> ids) {
    Set<ChunkId> missing = new HashSet<>();
    for (ChunkId id : ids) {
      if (!chunks.containsKey(id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  @Override
  public synchronized void putPack(List<StoredChunk> pack) throws IOException {
    for (StoredChunk chunk : pack) {
      if (!ChunkId.sha256(chunk.data()).equals(chunk.id())) {
        throw new StoreException.Rejected("chunk " + chunk.id() + " does not match its data");
      }
    }
    for (StoredChunk chunk : pack) {
      chunks.putIfAbsent(chunk.id(), chunk.data().clone());
    }
  }

  @Override
  public synchronized byte[] readChunk(ChunkId id) throws IOException {
    byte[] data = chunks.get(id);
    if (data == null) {
      throw new StoreException.NotFound("no chunk " + id);
    }
    return data.clone();
  }

  /** The total bytes of all logs, for assertions on log sizes. */
  public synchronized long logBytes(String collection) {
    long total = 0;
    for (Stored stored : logs.getOrDefault(collection, List.of())) {
      total += stored.bytes().length;
    }
    return total;
  }

  @Override
  public void close() {}
}
