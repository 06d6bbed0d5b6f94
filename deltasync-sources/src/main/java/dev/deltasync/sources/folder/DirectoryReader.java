package dev.deltasync.sources.folder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    @Nullable Listing listing; // null when the directory is gone or is not one
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
   * A directory's entries, and what the directory itself looked like just before they were read.
   */
  private record Listing(List<Entry> entries, FileTime modified, @Nullable Object key) {}

  /**
   * The entries of {@code dir}, names sorted; null when it is gone or no longer a directory.
   *
   * @throws IOException when it could not be read
   */
  @Nullable List<Entry> take(Path dir) throws IOException {
    Listing ahead = awaitAhead(dir);
    if (ahead != null) {
      BasicFileAttributes now = directoryAttributes(dir);
      if (now != null
          && now.lastModifiedTime().equals(ahead.modified())
          && Objects.equals(now.fileKey(), ahead.key())) {
        return ahead.entries();
      }
      // changed since it was read (or gone): read it again now
    }
    Listing listing = listing(dir, view);
    return listing == null ? null : listing.entries();
  }

  /** Whether the thread has read {@code dir} and the walk has not taken it yet (for tests). */
  boolean readAhead(Path dir) {
    synchronized (lock) {
      Request request = requests.get(dir);
      return request != null && request.done;
    }
  }

  /** The listing the thread read of {@code dir}; null when it did not read it (or it was gone). */
  private @Nullable Listing awaitAhead(Path dir) throws IOException {
    synchronized (lock) {
      Request request = requests.remove(dir);
      if (request == null) {
        return null;
      }
      if (!request.started) {
        queue.remove(request); // not started: read by the walk, not twice
        return null;
      }
      while (!request.done) {
        if (!thread.isAlive()) {
          waiting--;
          return null; // cannot happen (the thread finishes every request it starts); read here
        }
        try {
          lock.wait(1000);
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
      return request.listing;
    }
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
      Listing listing = null;
      IOException failure = null;
      try {
        listing = listing(request.dir, view);
      } catch (IOException e) {
        failure = e;
      } catch (Throwable e) { // an Error too: the walk must not wait for it forever
        failure = new IOException("cannot list " + request.dir + ": " + e, e);
      } finally {
        synchronized (lock) {
          request.listing = listing;
          request.failure = failure;
          request.done = true;
          lock.notifyAll();
        }
      }
    }
  }

  /**
   * Lists {@code dir} with an {@code lstat} of each entry, names sorted; null when it is gone or is
   * not a directory.
   */
  static @Nullable List<Entry> list(Path dir, Class<? extends BasicFileAttributes> view)
      throws IOException {
    Listing listing = listing(dir, view);
    return listing == null ? null : listing.entries();
  }

  private static @Nullable Listing listing(Path dir, Class<? extends BasicFileAttributes> view)
      throws IOException {
    BasicFileAttributes before = directoryAttributes(dir); // before reading: a change shows later
    if (before == null) {
      return null;
    }
    List<Entry> listed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      // Where the directory is open as a secure stream (Linux), each entry is looked up in it by
      // its name alone (fstatat): not its whole path from the root again, component by component.
      Class<? extends BasicFileAttributeView> attributeView = viewOf(view);
      SecureDirectoryStream<Path> open =
          entries instanceof SecureDirectoryStream<Path> secure && attributeView != null
              ? secure
              : null;
      for (Path child : entries) {
        Path name = child.getFileName();
        BasicFileAttributes attributes;
        try {
          attributes =
              open != null
                  ? open.getFileAttributeView(name, attributeView, LinkOption.NOFOLLOW_LINKS)
                      .readAttributes()
                  : Files.readAttributes(child, view, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          attributes = null;
        }
        listed.add(new Entry(child, name.toString(), attributes));
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null; // deleted or replaced
    } catch (DirectoryIteratorException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return null; // deleted while read
      }
      throw e.getCause();
    }
    listed.sort(Comparator.comparing(Entry::name));
    return new Listing(listed, before.lastModifiedTime(), before.fileKey());
  }

  /** The attribute view that reads {@code attributes} (POSIX or basic); null for others. */
  private static @Nullable Class<? extends BasicFileAttributeView> viewOf(
      Class<? extends BasicFileAttributes> attributes) {
    if (attributes == PosixFileAttributes.class) {
      return PosixFileAttributeView.class;
    }
    return attributes == BasicFileAttributes.class ? BasicFileAttributeView.class : null;
  }

  /** The directory's own attributes; null when it is gone or not a directory. */
  private static @Nullable BasicFileAttributes directoryAttributes(Path dir) throws IOException {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isDirectory() ? attributes : null;
    } catch (NoSuchFileException e) {
      return null;
    }
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
