package dev.deltasync.engine.store;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.store.LogIndexFile.IndexRecord;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.LogEnvelope;
import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The change logs of one collection in a directory store, as one store instance sees them.
 *
 * <p>A log is <em>committed</em> when its record is in the collection's log index; readers see
 * exactly the committed logs. Appending (under the collection lock): write the log to a temporary
 * file, fsync, rename it to {@code <sequence>.dslog}, fsync the directory, then write and fsync its
 * index record. A crash after the rename leaves a log file without a record (an <em>orphan</em>):
 * nobody sees it, and the next append checks its header and commits it before anything else, so the
 * sequence has no gap and a retry of the crashed append finds it by its id.
 *
 * <p>In memory: the committed records seen so far (they never change once committed), and log id to
 * sequence for idempotent appends. Thread-safe; the monitor guards the memory, the {@link
 * StoreLock} serialises writers of every process.
 */
final class CollectionLog {
  /** Log files per subdirectory of {@code logs/}, which keeps directories small (FAT32 limits). */
  static final long LOGS_PER_DIRECTORY = 1000;

  private static final System.Logger LOG = System.getLogger(CollectionLog.class.getName());
  private static final String LOG_SUFFIX = ".dslog";
  private static final String TEMP_SUFFIX = ".tmp";

  private final String user;
  private final String name;
  private final Path userDir;
  private final Path dir;
  private final Path logsDir;
  private final Path indexFile;
  private final Path lockFile;

  // Guarded by this. records.get(i) is the committed log with sequence i + 1.
  private final List<IndexRecord> records = new ArrayList<>();
  private final Map<ByteString, Long> sequences = new HashMap<>();

  private volatile boolean nameChecked;
  private volatile boolean prepared;
  private boolean swept; // only touched under the lock

  CollectionLog(String user, String name, Path userDir) {
    this.user = user;
    this.name = name;
    this.userDir = userDir;
    this.dir = userDir.resolve("collections").resolve(StoreNames.encode(name));
    this.logsDir = dir.resolve("logs");
    this.indexFile = dir.resolve("log-index");
    this.lockFile = dir.resolve("lock");
  }

  /** The highest committed sequence; 0 when there is none. */
  long head() throws IOException {
    checkNameFile(false);
    return refresh();
  }

  /** Appends under the collection lock; see {@link DirectoryLogStore#append}. */
  @SuppressWarnings("try") // the lock is held for the block, not used in it
  AppendResult append(long expectedHead, byte[] log, ByteString logId) throws IOException {
    prepare();
    try (StoreLock lock = StoreLock.acquire(lockFile)) {
      long head = recover();
      Long existing = sequenceOf(logId);
      if (existing != null) {
        return new AppendResult.Appended(existing, true);
      }
      if (head != expectedHead) {
        return new AppendResult.HeadMoved(head);
      }
      long sequence = head + 1;
      writeLog(sequence, log);
      writeRecord(new IndexRecord(sequence, logId, log.length));
      return new AppendResult.Appended(sequence, false);
    }
  }

  /** Committed logs after {@code after}, at most {@code max}, each file's header checked. */
  List<LogEntry> list(long after, int max) throws IOException {
    head();
    List<IndexRecord> wanted;
    synchronized (this) {
      int from = (int) Math.min(after, records.size());
      int to = (int) Math.min(records.size(), from + (long) max);
      wanted = List.copyOf(records.subList(from, to));
    }
    List<LogEntry> entries = new ArrayList<>(wanted.size());
    for (IndexRecord record : wanted) {
      Path file = logFile(record.sequence());
      LogEnvelope checked;
      try {
        checked = LogHeaders.read(file);
      } catch (NoSuchFileException e) {
        throw missingFile(record);
      } catch (ChangeLogFormatException e) {
        throw corrupt(record, e.getMessage(), e);
      }
      long size = Files.size(file);
      verify(record, checked, size);
      LogHeader header = checked.header();
      entries.add(
          new LogEntry(
              record.sequence(),
              record.logId(),
              header.getOriginDevice(),
              header.getCreatedMillis(),
              record.size()));
    }
    return entries;
  }

  /** The committed log at {@code sequence}, its length and header checked. */
  byte[] read(long sequence) throws IOException {
    long head = head();
    IndexRecord record;
    synchronized (this) {
      if (sequence < 1 || sequence > records.size()) {
        throw new StoreException.NotFound(
            "collection \"" + name + "\" has no log " + sequence + " (its head is " + head + ")");
      }
      record = records.get((int) (sequence - 1));
    }
    if (record.size() > Integer.MAX_VALUE - 8) {
      throw new StoreException(
          "log " + sequence + " has " + record.size() + " bytes, too many for one array");
    }
    byte[] bytes;
    try (FileChannel channel = FileChannel.open(logFile(sequence), StandardOpenOption.READ)) {
      long size = channel.size();
      if (size != record.size()) {
        throw corrupt(record, "its file has " + size + " bytes", null);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      readFully(channel, buffer, 0);
      bytes = buffer.array();
    } catch (NoSuchFileException e) {
      throw missingFile(record);
    }
    try {
      verify(record, LogHeaders.read(new ByteArrayInputStream(bytes)), bytes.length);
    } catch (ChangeLogFormatException e) {
      throw corrupt(record, e.getMessage(), e);
    }
    return bytes;
  }

  // ---- reading the index (no lock) ----

  /** Reads records committed since the last look; returns the number of committed logs. */
  private synchronized long refresh() throws IOException {
    try (FileChannel channel = FileChannel.open(indexFile, StandardOpenOption.READ)) {
      if (!readRecords(channel) && records.isEmpty()) {
        throw new StoreException.Corrupt(
            "the log index "
                + indexFile
                + " does not start with a valid header; the next append to collection \""
                + name
                + "\" rebuilds it");
      }
    } catch (NoSuchFileException e) {
      // No log committed yet, or a writer is rebuilding the index: what we know still holds.
    }
    return records.size();
  }

  /**
   * Adds the intact records after those known. Returns false when the header is not valid. Needs
   * the monitor.
   */
  private boolean readRecords(FileChannel channel) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(LogIndexFile.HEADER_BYTES);
    readFully(channel, header, 0);
    if (!LogIndexFile.isHeader(header.array())) {
      return false;
    }
    long size = channel.size();
    long offset = LogIndexFile.offsetOf(records.size() + 1L);
    while (size - offset >= LogIndexFile.RECORD_BYTES) {
      long span = Math.min(size - offset, LogIndexFile.RECORD_BYTES * 4096L);
      ByteBuffer buffer = ByteBuffer.allocate((int) (span - span % LogIndexFile.RECORD_BYTES));
      readFully(channel, buffer, offset);
      buffer.flip();
      while (buffer.hasRemaining()) {
        IndexRecord record = LogIndexFile.decode(buffer, records.size() + 1L);
        if (record == null) {
          return true; // a torn or damaged record ends the index
        }
        add(record);
      }
      offset += buffer.limit();
    }
    return true;
  }

  private void add(IndexRecord record) {
    if (record.sequence() == records.size() + 1L) {
      records.add(record);
      sequences.putIfAbsent(record.logId(), record.sequence());
    }
  }

  private synchronized @Nullable Long sequenceOf(ByteString logId) {
    return sequences.get(logId);
  }

  private synchronized @Nullable IndexRecord known(long sequence) {
    return sequence >= 1 && sequence <= records.size() ? records.get((int) (sequence - 1)) : null;
  }

  // ---- writing (under the collection lock) ----

  private void prepare() throws IOException {
    if (prepared) {
      return;
    }
    Durable.createDirectories(userDir, logsDir);
    checkNameFile(true);
    prepared = true;
  }

  /**
   * Brings the index in line with the log files and returns the head: creates or rebuilds the index
   * when it is missing or its header is damaged, cuts off a torn or damaged tail, and commits
   * orphans (log files after the last record whose header checks out). Holds the lock.
   */
  private long recover() throws IOException {
    boolean exists = Files.exists(indexFile);
    long intact = -1;
    if (exists) {
      try (FileChannel channel =
          FileChannel.open(indexFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        intact = intactRecords(channel);
        if (intact >= 0 && channel.size() > LogIndexFile.offsetOf(intact + 1)) {
          channel.truncate(LogIndexFile.offsetOf(intact + 1));
          channel.force(false);
        }
      }
    }
    if (intact < 0) {
      if (exists) {
        LOG.log(Level.WARNING, "rebuilding the log index {0}: its header is damaged", indexFile);
      }
      Durable.replace(indexFile, LogIndexFile.header());
      intact = 0;
    }
    List<IndexRecord> repaired = new ArrayList<>();
    Set<ByteString> repairedIds = new HashSet<>();
    long head = intact;
    while (true) {
      IndexRecord record = known(head + 1);
      if (record == null) {
        record = orphan(head + 1, repairedIds);
      }
      if (record == null) {
        break;
      }
      repaired.add(record);
      repairedIds.add(record.logId());
      head++;
    }
    if (!repaired.isEmpty()) {
      try (FileChannel channel = FileChannel.open(indexFile, StandardOpenOption.WRITE)) {
        for (IndexRecord record : repaired) {
          Durable.writeFully(
              channel, LogIndexFile.encode(record), LogIndexFile.offsetOf(record.sequence()));
        }
        channel.force(false);
      }
      synchronized (this) {
        repaired.forEach(this::add);
      }
    }
    if (!swept) {
      sweepTemporaryFiles(head + 1);
      swept = true;
    }
    return head;
  }

  /**
   * The number of intact records at the start of the index, reading only what this instance has not
   * checked before; -1 when the header is damaged. Holds the lock.
   */
  private long intactRecords(FileChannel channel) throws IOException {
    synchronized (this) {
      ByteBuffer header = ByteBuffer.allocate(LogIndexFile.HEADER_BYTES);
      readFully(channel, header, 0);
      if (!LogIndexFile.isHeader(header.array())) {
        return -1;
      }
      long known = records.size();
      if (known == 0 || records.get((int) known - 1).equals(recordAt(channel, known))) {
        readRecords(channel);
        return records.size();
      }
      // The file changed under what this instance read (rebuilt, or damaged): compare each record.
      long count = 0;
      while (true) {
        IndexRecord record = recordAt(channel, count + 1);
        IndexRecord expected = known(count + 1);
        if (record == null || (expected != null && !expected.equals(record))) {
          return count;
        }
        add(record);
        count++;
      }
    }
  }

  private static @Nullable IndexRecord recordAt(FileChannel channel, long sequence)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(LogIndexFile.RECORD_BYTES);
    readFully(channel, buffer, LogIndexFile.offsetOf(sequence));
    return LogIndexFile.decode(buffer.flip(), sequence);
  }

  /**
   * The record for the log file at {@code sequence} when it exists beyond the index and its header
   * checks out; a file that does not check out is renamed to {@code <sequence>.dslog.damaged}.
   */
  private @Nullable IndexRecord orphan(long sequence, Set<ByteString> repairedIds)
      throws IOException {
    Path file = logFile(sequence);
    if (!Files.exists(file)) {
      return null;
    }
    String problem;
    try {
      LogEnvelope checked = LogHeaders.read(file);
      LogHeader header = checked.header();
      long size = Files.size(file);
      if (!header.getUser().equals(user) || !header.getCollection().equals(name)) {
        problem = "it belongs to another user or collection";
      } else if (checked.declaredSize() != size) {
        problem = "it has " + size + " bytes, its header declares " + checked.declaredSize();
      } else if (sequenceOf(header.getLogId()) != null || repairedIds.contains(header.getLogId())) {
        problem = "its log id is committed already";
      } else {
        // Its writer fsynced it before the rename, but may have died before the directory fsync.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          channel.force(true);
        }
        Durable.fsyncDirectory(shardDir(sequence));
        return new IndexRecord(sequence, header.getLogId(), size);
      }
    } catch (ChangeLogFormatException e) {
      problem = e.getMessage();
    }
    Path aside = file.resolveSibling(sequence + LOG_SUFFIX + ".damaged");
    LOG.log(
        Level.WARNING,
        "uncommitted log file {0} is not a valid log ({1}); moved to {2}",
        file,
        problem,
        aside);
    Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    Durable.fsyncDirectory(shardDir(sequence));
    return null;
  }

  private void writeLog(long sequence, byte[] log) throws IOException {
    Path file = logFile(sequence);
    Path shard = shardDir(sequence);
    Durable.createDirectories(dir, shard);
    if (Files.exists(file)) {
      throw new StoreException(
          file
              + " exists although the log index ends at "
              + (sequence - 1)
              + ": another writer did not take the lock. Does this file system support locks?");
    }
    Path temp = shard.resolve(sequence + LOG_SUFFIX + TEMP_SUFFIX);
    Durable.publish(
        temp,
        file,
        t -> {
          Durable.writeSynced(t, log);
          return file;
        });
  }

  /** Writes and fsyncs the record at its place in the index; afterwards the log is committed. */
  private void writeRecord(IndexRecord record) throws IOException {
    try (FileChannel channel = FileChannel.open(indexFile, StandardOpenOption.WRITE)) {
      Durable.writeFully(
          channel, LogIndexFile.encode(record), LogIndexFile.offsetOf(record.sequence()));
      channel.force(false);
    }
    synchronized (this) {
      add(record);
    }
  }

  /**
   * Deletes temporary files in the directory the next log goes to. Only writers holding the lock
   * make them, so any found now is left over from a crash.
   */
  private void sweepTemporaryFiles(long nextSequence) throws IOException {
    Path shard = shardDir(nextSequence);
    if (!Files.isDirectory(shard)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard, "*" + TEMP_SUFFIX)) {
      for (Path entry : entries) {
        Files.deleteIfExists(entry);
      }
    }
  }

  // ---- files and checks ----

  Path logFile(long sequence) {
    return shardDir(sequence).resolve(sequence + LOG_SUFFIX);
  }

  /** The directory of the log file for {@code sequence}: {@code logs/<sequence / 1000>}. */
  private Path shardDir(long sequence) {
    return logsDir.resolve(Long.toString(sequence / LOGS_PER_DIRECTORY));
  }

  private void checkNameFile(boolean create) throws IOException {
    if (!nameChecked && StoreNames.claim(dir, name, "collection", create)) {
      nameChecked = true;
    }
  }

  private void verify(IndexRecord record, LogEnvelope checked, long size)
      throws StoreException.Corrupt {
    LogHeader header = checked.header();
    if (!header.getLogId().equals(record.logId())) {
      throw corrupt(
          record,
          "its file holds log id "
              + HexFormat.of().formatHex(header.getLogId().toByteArray())
              + ", the index "
              + HexFormat.of().formatHex(record.logId().toByteArray()),
          null);
    }
    if (!header.getUser().equals(user) || !header.getCollection().equals(name)) {
      throw corrupt(record, "its header names another user or collection", null);
    }
    if (size != record.size() || checked.declaredSize() != record.size()) {
      throw corrupt(
          record,
          "it has "
              + size
              + " bytes, its header declares "
              + checked.declaredSize()
              + ", the index "
              + record.size(),
          null);
    }
  }

  private StoreException.Corrupt corrupt(
      IndexRecord record, @Nullable String problem, @Nullable Throwable cause) {
    String message =
        "log "
            + record.sequence()
            + " of collection \""
            + name
            + "\" ("
            + logFile(record.sequence())
            + ") is damaged: "
            + problem;
    return cause == null
        ? new StoreException.Corrupt(message)
        : new StoreException.Corrupt(message, cause);
  }

  private StoreException.Corrupt missingFile(IndexRecord record) {
    return corrupt(record, "its file is missing although the log index lists it", null);
  }

  static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        return;
      }
      at += n;
    }
  }
}
