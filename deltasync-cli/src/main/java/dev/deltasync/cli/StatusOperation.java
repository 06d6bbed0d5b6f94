package dev.deltasync.cli;

import dev.deltasync.engine.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a home knows about its collections, from local state only (no store is asked): binding,
 * cursor, last sync and the conflict copies in the folder. Pending local changes are not known
 * without a scan, so they are reported as unknown.
 */
final class StatusOperation {
  record Options(Home home) {}

  /**
   * @param config the home's configuration
   * @param collections one status per bound collection, by name
   */
  record Result(HomeConfig config, List<CollectionStatus> collections) {}

  /**
   * @param name the collection
   * @param binding its local data
   * @param present whether the local data is there
   * @param cursor the last store sequence applied here
   * @param lastSync the last successful sync, or null before the first
   * @param conflicts the conflict copies in the folder
   */
  record CollectionStatus(
      String name,
      HomeConfig.Binding binding,
      boolean present,
      long cursor,
      @Nullable LastSync lastSync,
      List<ConflictCopies.Copy> conflicts) {}

  private final Options options;

  StatusOperation(Options options) {
    this.options = options;
  }

  Result execute() throws IOException {
    Home home = options.home();
    HomeConfig config = home.config();
    List<CollectionStatus> statuses = new ArrayList<>();
    for (var entry : config.collections().entrySet()) {
      String name = entry.getKey();
      Path folder = entry.getValue().path();
      statuses.add(
          new CollectionStatus(
              name,
              entry.getValue(),
              entry.getValue().type().equals("folder")
                  ? Files.isDirectory(folder)
                  : Files.exists(folder),
              cursor(home.snapshotFile(name)),
              LastSync.read(home, name),
              ConflictCopies.of(home, name, entry.getValue())));
    }
    return new Result(config, statuses);
  }

  private static long cursor(Path snapshot) throws IOException {
    if (!Files.exists(snapshot)) {
      return 0;
    }
    try (SnapshotStore store = SnapshotStore.open(snapshot)) {
      return store.cursor();
    }
  }
}
