package dev.deltasync.sources.folder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Lists directories for the scan's walk — each entry with its attributes, one {@code lstat} each,
 * names sorted — on a thread of its own, ahead of the walk: the system calls of one directory
 * overlap with the walk's work on the one before. The walk says which directories it will visit
 * ({@link #expect}) and takes each listing when it gets there ({@link #take}).
 *
 * <p>Directories expected last are read first, as a depth-first walk needs them. At most {@value
 * #AHEAD} listings are read and not yet taken; a directory the thread has not started when the walk
 * gets there is read by the walk itself. A listing is what the directory held when it was read, a
 * moment before the walk looks at it: the same race a scan always has with other programs.
 */
final class DirectoryReader implements AutoCloseable {
  /** How many listings may wait, read and not taken. */
  static final int AHEAD = 64;

  /** An entry of a directory: its attributes, null when it vanished before its lstat. */
  record Entry(Path path, String name, @Nullable BasicFileAttributes attributes) {}

  private final Class<? extends BasicFileAttributes> view;
  private final Object lock = new Object();
  private final Map<Path, Request> requests = new HashMap<>();
  private final Deque<Request> queue = new ArrayDeque<>(); // last expected first
  private int waiting; // read or being read, not taken
  private boolean closed;
  private final Thread thread;

  /** What the thread does with one directory. */
  private static final class Request {
    final Path dir;
    boolean started;
    boolean done;
    @Nullable List<Entry> entries; // null when the directory is gone or is not one
    @Nullable IOException failure;

    Request(Path dir) {
      this.dir = dir;
    }
  }

  DirectoryReader(Class<? extends BasicFileAttributes> view) {
    this.view = view;
    this.thread = Thread.ofPlatform().name("deltasync-scan-ahead").daemon().unstarted(this::run);
    thread.start();
  }

  /** The walk will visit {@code dir}: read it ahead, before directories expected earlier. */
  void expect(Path dir) {
    synchronized (lock) {
      if (closed || requests.containsKey(dir)) {
        return;
      }
      Request request = new Request(dir);
      requests.put(dir, request);
      queue.push(request);
      lock.notifyAll();
    }
  }

  /**
   * The entries of {@code dir}, names sorted; null when it is gone or no longer a directory.
   *
   * @throws IOException when it could not be read
   */
  @Nullable List<Entry> take(Path dir) throws IOException {
    Request request;
    synchronized (lock) {
      request = requests.remove(dir);
      if (request != null && request.started) {
        while (!request.done) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while listing " + dir);
          }
        }
        waiting--;
        lock.notifyAll();
        if (request.failure != null) {
          throw request.failure;
        }
        return request.entries;
      }
      if (request != null) {
        queue.remove(request); // not started: read here, not twice
      }
    }
    return list(dir, view);
  }

  private void run() {
    while (true) {
      Request request;
      synchronized (lock) {
        while (!closed && (queue.isEmpty() || waiting >= AHEAD)) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        request = queue.pop();
        request.started = true;
        waiting++;
      }
      List<Entry> entries = null;
      IOException failure = null;
      try {
        entries = list(request.dir, view);
      } catch (IOException e) {
        failure = e;
      } catch (UncheckedIOException e) {
        failure = e.getCause();
      } catch (RuntimeException e) {
        failure = new IOException("cannot list " + request.dir + ": " + e, e);
      }
      synchronized (lock) {
        request.entries = entries;
        request.failure = failure;
        request.done = true;
        lock.notifyAll();
      }
    }
  }

  /**
   * Lists {@code dir} with an {@code lstat} of each entry, names sorted; null when it is gone or is
   * not a directory.
   */
  static @Nullable List<Entry> list(Path dir, Class<? extends BasicFileAttributes> view)
      throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(children::add);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null; // deleted or replaced
    }
    List<Entry> listed = new ArrayList<>(children.size());
    for (Path child : children) {
      String name = child.getFileName().toString();
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(child, view, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        attributes = null;
      }
      listed.add(new Entry(child, name, attributes));
    }
    listed.sort(Comparator.comparing(Entry::name));
    return listed;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      queue.clear();
      requests.clear();
      lock.notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
