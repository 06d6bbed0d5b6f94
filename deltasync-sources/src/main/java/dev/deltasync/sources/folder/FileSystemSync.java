package dev.deltasync.sources.folder;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Makes everything written to one file system durable at once, for a batch of new files: where it
 * returns true, the batch needs no fsync of each file (or of each directory). On this project's
 * test machine (ext4 without a journal) every fsync is a flush of the disk's cache of its own; a
 * first sync of 20,000 small files spent a quarter of its time in them.
 */
interface FileSystemSync extends AutoCloseable {
  /**
   * Whether {@link #sync} reaches what is in {@code dir}: it is on the same file system (a
   * directory inside the folder may be another one's mount point). False when it cannot tell.
   */
  boolean covers(Path dir);

  /**
   * Writes every file and directory changed on the file system since {@link #of} to the disk and
   * waits for it; returns false when it could not say it did (the caller then fsyncs each file,
   * which reports the error of the file it concerns).
   */
  boolean sync();

  @Override
  void close();

  /** Never syncs: the caller fsyncs each file. */
  FileSystemSync NONE =
      new FileSystemSync() {
        @Override
        public boolean covers(Path dir) {
          return false;
        }

        @Override
        public boolean sync() {
          return false;
        }

        @Override
        public void close() {}
      };

  /**
   * syncfs(2) of {@code dir}'s file system where it promises as much as the fsyncs it replaces (see
   * {@link SyncFs#whyNot}), else {@link #NONE}. Opens {@code dir} now: syncfs reports the
   * write-back errors of the file system from then on, so this is called before the files are
   * written.
   */
  static FileSystemSync of(Path dir) {
    return of(dir, System::getenv);
  }

  /** {@link #of(Path)} with the environment variables {@code env} gives. */
  static FileSystemSync of(Path dir, Function<String, @Nullable String> env) {
    return "1".equals(env.apply(FSYNC_EACH)) ? NONE : SyncFs.open(dir);
  }

  /**
   * Set to 1, each file is fsynced: a syncfs also waits for what other programs wrote to the file
   * system, which can take long where they write much.
   */
  String FSYNC_EACH = "DELTASYNC_FSYNC_EACH";

  /**
   * syncfs(2) and then fsync(2) of the folder's root, called through the JDK's foreign function API
   * (final since JDK 22) found at run time: the build's language level is 21, where that API is a
   * preview and cannot be compiled against. One descriptor of the folder's root, open until {@link
   * #close}.
   *
   * <p>The fsync after the syncfs flushes the disk's write cache once more: on ext4 without a
   * journal (and ext2), syncfs flushes it before its last pass writes the inode and directory
   * blocks, so they could still be in that cache when it returns; an fsync there always ends with a
   * flush. On the other file systems it costs little (the syncfs just committed everything).
   */
  final class SyncFs implements FileSystemSync {
    /** File systems on a local disk whose sync writes every dirty file and their metadata. */
    private static final Set<String> LOCAL_DISK_TYPES =
        Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "tmpfs");

    private static final @Nullable Calls CALLS = Calls.load();

    private final Calls calls;
    private final Object device; // the root's unix:dev
    private final Map<Path, Boolean> covered = new ConcurrentHashMap<>();
    private int fd;

    private SyncFs(Calls calls, Object device, int fd) {
      this.calls = calls;
      this.device = device;
      this.fd = fd;
    }

    static FileSystemSync open(Path dir) {
      Calls found = CALLS;
      if (found == null) {
        return NONE;
      }
      String type;
      try {
        type = Files.getFileStore(dir).type();
      } catch (IOException | SecurityException e) {
        return NONE;
      }
      if (whyNot(
              System.getProperty("os.name", ""),
              System.getProperty("os.version", ""),
              Runtime.version().feature(),
              type)
          != null) {
        return NONE;
      }
      Object device = deviceOf(dir);
      if (device == null) {
        return NONE;
      }
      int fd = found.open(dir);
      return fd < 0 ? NONE : new SyncFs(found, device, fd);
    }

    /** The device {@code dir} is on (stat's st_dev), or null when it cannot be read. */
    private static @Nullable Object deviceOf(Path dir) {
      try {
        return Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return null;
      }
    }

    /**
     * Why syncfs cannot stand in for fsyncs here, or null when it can: it must be Linux 5.17 or
     * later (before 5.8 syncfs did not report write-back errors, and before 5.17 not the errors of
     * the file system's own sync, a journal commit that failed), a file system on a local disk (on
     * network and FUSE file systems a syncfs may not reach the server or the files' owner, where an
     * fsync does), and a JDK of 22 or later (the foreign function API).
     */
    static @Nullable String whyNot(String osName, String osVersion, int jdk, String fsType) {
      if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
        return "not Linux";
      }
      String[] numbers = osVersion.split("[^0-9]+", 3);
      int major;
      int minor;
      try {
        major = Integer.parseInt(numbers[0]);
        minor = numbers.length > 1 ? Integer.parseInt(numbers[1]) : 0;
      } catch (NumberFormatException e) {
        return "kernel version " + osVersion + " not understood";
      }
      if (major < 5 || (major == 5 && minor < 17)) {
        return "Linux " + osVersion + " is older than 5.17";
      }
      if (jdk < 22) {
        return "JDK " + jdk + " has no final foreign function API";
      }
      if (!LOCAL_DISK_TYPES.contains(fsType)) {
        return "file system type " + fsType;
      }
      return null;
    }

    @Override
    public boolean covers(Path dir) {
      // Cached: a batch asks for the same few directories, and a mount point rarely comes or goes
      // while a sync writes (the descriptor's file system is the one synced, whatever happens).
      return covered.computeIfAbsent(dir, d -> device.equals(deviceOf(d)));
    }

    @Override
    public synchronized boolean sync() {
      return fd >= 0 && calls.syncfs(fd) && calls.fsync(fd);
    }

    @Override
    public synchronized void close() {
      if (fd >= 0) {
        calls.close(fd);
        fd = -1;
      }
    }
  }

  /** open, syncfs, fsync and close of the C library ({@link #load}: null where unreachable). */
  final class Calls {
    private static final int O_RDONLY = 0;

    private final MethodHandle open; // (MemorySegment path, int flags) -> int
    private final MethodHandle syncfs; // (int fd) -> int
    private final MethodHandle fsync; // (int fd) -> int
    private final MethodHandle close; // (int fd) -> int
    private final Method ofConfined; // Arena.ofConfined()
    private final Method allocateFrom; // SegmentAllocator.allocateFrom(String)

    private Calls(
        MethodHandle open,
        MethodHandle syncfs,
        MethodHandle fsync,
        MethodHandle close,
        Method ofConfined,
        Method allocateFrom) {
      this.open = open;
      this.syncfs = syncfs;
      this.fsync = fsync;
      this.close = close;
      this.ofConfined = ofConfined;
      this.allocateFrom = allocateFrom;
    }

    /**
     * Null on a JDK before 22, or when native access is not enabled for this code (the launcher and
     * the tests enable it; without it the JDK would warn on stderr at the first call).
     */
    static @Nullable Calls load() {
      if (Runtime.version().feature() < 22) {
        return null;
      }
      try {
        Method enabled = Module.class.getMethod("isNativeAccessEnabled");
        if (!Boolean.TRUE.equals(enabled.invoke(Calls.class.getModule()))) {
          return null;
        }
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
        Class<?> allocatorType = Class.forName("java.lang.foreign.SegmentAllocator");

        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object libc = linkerType.getMethod("defaultLookup").invoke(linker);
        Method find = lookupType.getMethod("find", String.class);
        Method of = descriptorType.getMethod("of", layoutType, layoutType.arrayType());
        Method downcall =
            linkerType.getMethod(
                "downcallHandle", segmentType, descriptorType, optionType.arrayType());
        Object javaInt = valueLayoutType.getField("JAVA_INT").get(null);
        Object address = valueLayoutType.getField("ADDRESS").get(null);
        Object noOptions = Array.newInstance(optionType, 0);

        Object intOfAddressInt = of.invoke(null, javaInt, layouts(layoutType, address, javaInt));
        Object intOfInt = of.invoke(null, javaInt, layouts(layoutType, javaInt));
        String[] names = {"open", "syncfs", "fsync", "close"};
        Object[] descriptors = {intOfAddressInt, intOfInt, intOfInt, intOfInt};
        MethodHandle[] handles = new MethodHandle[names.length];
        for (int i = 0; i < names.length; i++) {
          Optional<?> symbol = (Optional<?>) find.invoke(libc, names[i]);
          if (symbol.isEmpty()) {
            return null;
          }
          handles[i] =
              (MethodHandle) downcall.invoke(linker, symbol.get(), descriptors[i], noOptions);
        }
        return new Calls(
            handles[0],
            handles[1],
            handles[2],
            handles[3],
            arenaType.getMethod("ofConfined"),
            allocatorType.getMethod("allocateFrom", String.class));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }

    private static Object layouts(Class<?> layoutType, Object... layouts) {
      Object array = Array.newInstance(layoutType, layouts.length);
      for (int i = 0; i < layouts.length; i++) {
        Array.set(array, i, layouts[i]);
      }
      return array;
    }

    /** O_CLOEXEC where its value is known (it differs between architectures), else none. */
    private static int cloexec() {
      String arch = System.getProperty("os.arch", "");
      return arch.equals("amd64") || arch.equals("aarch64") ? 0x80000 : 0;
    }

    /** A read-only descriptor of {@code dir}, or -1. */
    int open(Path dir) {
      try (AutoCloseable arena = (AutoCloseable) ofConfined.invoke(null)) {
        Object path = allocateFrom.invoke(arena, dir.toAbsolutePath().toString());
        return (int) open.invokeWithArguments(path, O_RDONLY | cloexec());
      } catch (Error e) {
        throw e;
      } catch (Throwable e) { // what invokeWithArguments declares
        return -1;
      }
    }

    boolean syncfs(int fd) {
      return succeeds(syncfs, fd);
    }

    boolean fsync(int fd) {
      return succeeds(fsync, fd);
    }

    private static boolean succeeds(MethodHandle call, int fd) {
      try {
        return (int) call.invokeWithArguments(fd) == 0;
      } catch (Error e) {
        throw e;
      } catch (Throwable e) { // what invokeWithArguments declares
        return false;
      }
    }

    void close(int fd) {
      try {
        close.invokeWithArguments(fd);
      } catch (Error e) {
        throw e;
      } catch (Throwable e) { // what invokeWithArguments declares
        // a descriptor that cannot be closed is left to the end of the process
      }
    }
  }
}
