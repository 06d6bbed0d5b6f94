package dev.deltasync.cli;

import dev.deltasync.engine.Source;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncProgress;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.snapshot.StatIndexAhead;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.sources.folder.FolderSource;
import dev.deltasync.sources.ical.ICalSource;
import dev.deltasync.sources.vcard.VCardSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One two-way sync of every (or the named) collection of a home, one after the other, with the
 * engine's {@link SyncOperation}; on a server each under a lease with fencing. Holds the home's
 * lock throughout, so a second sync on the same home is refused.
 */
final class SyncCollectionsOperation {
  /**
   * @param home the device's home
   * @param collections the collections to sync; empty for all
   * @param allowMassDelete lift the engine's delete safeguard
   * @param progress the listener for each collection's sync, by its name
   */
  record Options(
      Home home,
      List<String> collections,
      boolean allowMassDelete,
      Function<String, SyncProgress> progress) {
    /** Options that report no progress. */
    Options(Home home, List<String> collections, boolean allowMassDelete) {
      this(home, collections, allowMassDelete, name -> SyncProgress.NONE);
    }
  }

  /**
   * @param collections what each sync did, in the order synced
   */
  record Result(Map<String, SyncResult> collections) {
    long sent() {
      return collections.values().stream().mapToLong(SyncResult::sent).sum();
    }

    long applied() {
      return collections.values().stream().mapToLong(SyncResult::applied).sum();
    }

    long conflicts() {
      return collections.values().stream().mapToLong(SyncResult::conflicts).sum();
    }

    long bytesUp() {
      return collections.values().stream().mapToLong(SyncResult::bytesUp).sum();
    }

    long bytesDown() {
      return collections.values().stream().mapToLong(SyncResult::bytesDown).sum();
    }
  }

  private final Options options;

  SyncCollectionsOperation(Options options) {
    this.options = options;
  }

  Result execute() throws IOException {
    Home home = options.home();
    HomeConfig config = home.config();
    List<String> names = selected(config);
    try (HomeLock lock = HomeLock.acquire(home, "sync")) {
      SyncPrefetch.awaitNativeLibrary(); // SQLite's, prepared beside the parsing
      // The first collection's stat cache is read while the server is asked where the data lives
      // (or, when it was asked while the command was parsed, while that answer is taken).
      StatIndexAhead firstAhead = readAhead(home, config, names.get(0));
      StoreAccess opened = SyncPrefetch.take(home, config);
      try (StoreAccess access = opened != null ? opened : StoreAccess.open(home, config)) {
        return syncAll(home, config, names, access, firstAhead);
      }
    }
  }

  private Result syncAll(
      Home home,
      HomeConfig config,
      List<String> names,
      StoreAccess access,
      @Nullable StatIndexAhead firstAhead)
      throws IOException {
    Map<String, SyncResult> results = new LinkedHashMap<>();
    for (String name : names) {
      HomeConfig.Binding binding = Objects.requireNonNull(config.collections().get(name));
      if (binding.type().equals("folder")) {
        checkFolder(name, binding.path());
      }
      StatIndexAhead ahead = name.equals(names.get(0)) ? firstAhead : readAhead(home, config, name);
      SyncResult result =
          access.underLease(name, store -> syncOne(home, config, name, binding, store, ahead));
      LastSync.write(home, name, result);
      results.put(name, result);
    }
    return new Result(results);
  }

  /**
   * Starts reading a folder collection's stat cache ahead (see {@link StatIndexAhead}); null for
   * other types, whose scans do not use it.
   */
  private static @Nullable StatIndexAhead readAhead(Home home, HomeConfig config, String name) {
    HomeConfig.Binding binding = config.collections().get(name);
    return binding != null && binding.type().equals("folder")
        ? StatIndexAhead.start(home.snapshotFile(name))
        : null;
  }

  private SyncResult syncOne(
      Home home,
      HomeConfig config,
      String name,
      HomeConfig.Binding binding,
      LogStore store,
      @Nullable StatIndexAhead ahead)
      throws IOException {
    Files.createDirectories(home.collectionDir(name));
    try (SnapshotStore snapshot = SnapshotStore.open(home.snapshotFile(name));
        Source source = openSource(binding)) {
      if (ahead != null) {
        snapshot.useStatIndexAhead(ahead);
      }
      if (snapshot.cursor() == 0) {
        checkKinds(name, binding, store);
      }
      SyncOptions sync =
          SyncOptions.of(config.user(), config.device(), name, source, snapshot, store)
              .withAllowMassDelete(options.allowMassDelete())
              .withProgress(options.progress().apply(name));
      return new SyncOperation(sync).execute();
    }
  }

  /** The source for a binding's type. */
  static Source openSource(HomeConfig.Binding binding) throws IOException {
    return switch (binding.type()) {
      case "vcard" -> VCardSource.open(binding.path());
      case "ical" -> ICalSource.open(binding.path());
      default -> FolderSource.open(binding.path());
    };
  }

  /**
   * Before a collection's first sync here: what the store holds must be what this binding's type
   * can keep, or a folder would receive contacts (or a calendar file folders). The first log tells.
   */
  private static void checkKinds(String name, HomeConfig.Binding binding, LogStore store)
      throws IOException {
    if (store.head(name) == 0) {
      return;
    }
    ChangeLog first = ChangeLogReader.decode(store.read(name, 1));
    for (Change change : first.changes()) {
      String kept = typeOf(change.getKind());
      if (kept != null && !kept.equals(binding.type())) {
        throw new UserException(
            "collection \""
                + name
                + "\" holds "
                + describe(kept)
                + " (device "
                + first.header().getOriginDevice()
                + " bound it with --type "
                + kept
                + "), but it is bound here as --type "
                + binding.type()
                + ": bind it again with 'deltasync add "
                + name
                + " PATH --type "
                + kept
                + "' in a new home, or use another collection name. Nothing was changed.",
            ErrorHandler.EXIT_BAD_INPUT);
      }
    }
  }

  private static @Nullable String typeOf(ItemKind kind) {
    return switch (kind) {
      case KIND_FILE, KIND_DIRECTORY, KIND_SYMLINK -> "folder";
      case KIND_CONTACT -> "vcard";
      case KIND_EVENT, KIND_TODO -> "ical";
      default -> null;
    };
  }

  private static String describe(String type) {
    return switch (type) {
      case "vcard" -> "contacts";
      case "ical" -> "calendar entries";
      default -> "files and folders";
    };
  }

  private List<String> selected(HomeConfig config) {
    return select(config, options.home(), options.collections(), "");
  }

  /**
   * The collections a command works on: those asked for, in order and without repeats, or every
   * bound one when none was named. A name not bound here, or a home with none, is a clear error.
   *
   * @param then what the user does after adding one, for the message ("" or ", then watch")
   */
  static List<String> select(HomeConfig config, Home home, List<String> asked, String then) {
    if (config.collections().isEmpty()) {
      throw new UserException(
          "no collection is bound in "
              + home.dir()
              + ": add one with 'deltasync add COLLECTION PATH'"
              + then);
    }
    if (asked.isEmpty()) {
      return List.copyOf(config.collections().keySet());
    }
    List<String> names = new ArrayList<>();
    for (String name : asked) {
      if (!config.collections().containsKey(name)) {
        throw new UserException(
            "no collection \""
                + name
                + "\" is bound on this device (bound: "
                + String.join(", ", config.collections().keySet())
                + "); add it with 'deltasync add "
                + name
                + " PATH'",
            ErrorHandler.EXIT_BAD_INPUT);
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** A bound folder that is gone is a moved folder or an unmounted disk: never recreated. */
  private static void checkFolder(String name, Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new UserException(
          "the folder "
              + folder
              + " of collection \""
              + name
              + "\" is not there: if it is on a disk that is not mounted, mount it; if it moved,"
              + " bind the collection again. Nothing was changed.");
    }
  }
}
