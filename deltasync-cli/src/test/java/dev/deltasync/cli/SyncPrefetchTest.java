package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncPrefetchTest {
  @TempDir Path dir;

  @AfterEach
  void nothingLeftToTake() throws IOException {
    StoreAccess left = SyncPrefetch.take(new Home(dir), config(dir.resolve("none")));
    if (left != null) {
      left.close();
    }
  }

  private static @Nullable Path homeOption(String... args) {
    return SyncPrefetch.homeOption(args);
  }

  @Test
  void theHomeOptionIsReadAsPicocliReadsIt() {
    assertThat(homeOption("--home", "h", "sync")).isEqualTo(Path.of("h"));
    assertThat(homeOption("--home=h2", "sync", "docs")).isEqualTo(Path.of("h2"));
    assertThat(homeOption("sync", "--home", "x")).as("an option of the subcommand").isNull();
    assertThat(homeOption("sync")).isNull();
    assertThat(homeOption("--home")).isNull();
  }

  @Test
  void aSyncTakesTheStoreOpenedAheadForItsHomeOnce() throws IOException {
    Home home = joined("a", dir.resolve("store"));
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "sync", "docs"});
    StoreAccess access = SyncPrefetch.take(home, home.config());
    assertThat(access).isNotNull();
    try (StoreAccess opened = java.util.Objects.requireNonNull(access)) {
      assertThat(opened.store().head("docs")).isZero();
    }
    assertThat(SyncPrefetch.take(home, home.config())).as("taken once").isNull();
  }

  @Test
  void aStoreOpenedForAnotherHomeOrStoreIsNotTaken() throws IOException {
    Home a = joined("a", dir.resolve("store"));
    Home b = joined("b", dir.resolve("store"));
    SyncPrefetch.startFor(new String[] {"--home=" + a.dir(), "sync"});
    assertThat(SyncPrefetch.take(b, b.config())).as("another home").isNull();

    Path other = Files.createDirectories(dir.resolve("other-store"));
    SyncPrefetch.startFor(new String[] {"--home", a.dir().toString(), "sync"});
    assertThat(SyncPrefetch.take(a, config(other)))
        .as("a configuration that names another store by now")
        .isNull();
  }

  @Test
  void whatOpeningTheStoreFailedWithIsWhatTheSyncGets() {
    Home home = new Home(dir.resolve("never-joined"));
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "sync"});
    assertThatThrownBy(() -> SyncPrefetch.take(home, config(dir)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("has not joined a store yet");
  }

  @Test
  void anotherCommandStartsNothing() throws IOException {
    Home home = joined("a", dir.resolve("store"));
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "status"});
    assertThat(SyncPrefetch.take(home, home.config())).isNull();
  }

  private static HomeConfig config(Path store) {
    return new HomeConfig(new HomeConfig.StoreLocation.Directory(store), "default", "a", Map.of());
  }

  /** A home that joined the directory store {@code store}. */
  private Home joined(String name, Path store) throws IOException {
    Files.createDirectories(store);
    Home home = new Home(dir.resolve(name));
    home.write(config(store));
    return home;
  }
}
