package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.server.DeltasyncServer;
import dev.deltasync.server.ServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncPrefetchTest {
  @TempDir static Path serverDir;
  private static @Nullable DeltasyncServer server;
  private static String url = "";

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws IOException {
    DeltasyncServer started =
        DeltasyncServer.start(
            ServerOptions.defaults(serverDir.resolve("data")).withListen("127.0.0.1", 0));
    server = started;
    url = "http://127.0.0.1:" + started.port();
    Path password = serverDir.resolve("password");
    Files.writeString(password, "prefetch test password\n");
    assertThat(
            Main.run(
                "user",
                "add",
                "bench",
                "--server",
                url,
                "--admin-token-file",
                started.adminTokenFile().toString(),
                "--password-file",
                password.toString()))
        .isZero();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

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
  void aSyncTakesTheServerStoreOpenedAheadForItsHomeOnce() throws IOException {
    Home home = joinedToTheServer("a");
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "sync", "docs"});
    SyncPrefetch.awaitNativeLibrary();
    StoreAccess access = SyncPrefetch.take(home, home.config());
    assertThat(access).isNotNull();
    try (StoreAccess opened = Objects.requireNonNull(access)) {
      assertThat(opened.store().head("docs")).isZero();
    }
    assertThat(SyncPrefetch.take(home, home.config())).as("taken once").isNull();
  }

  @Test
  void aStoreOpenedForAnotherHomeConfigurationOrTokenIsNotTaken() throws IOException {
    Home a = joinedToTheServer("a");
    Home b = joinedToTheServer("b");
    SyncPrefetch.startFor(new String[] {"--home=" + a.dir(), "sync"});
    assertThat(SyncPrefetch.take(b, b.config())).as("another home").isNull();

    SyncPrefetch.startFor(new String[] {"--home", a.dir().toString(), "sync"});
    HomeConfig now = a.config();
    assertThat(
            SyncPrefetch.take(
                a, new HomeConfig(now.store(), now.user(), "another-device", now.collections())))
        .as("a configuration written meanwhile")
        .isNull();

    SyncPrefetch.startFor(new String[] {"--home", a.dir().toString(), "sync"});
    SyncPrefetch.awaitOpened();
    a.writeDeviceToken("another token");
    assertThat(SyncPrefetch.take(a, a.config())).as("a device token written meanwhile").isNull();
  }

  @Test
  void aDirectoryStoreIsLeftToTheSync() throws IOException {
    Path store = Files.createDirectories(dir.resolve("empty-mount-point"));
    Home home = new Home(dir.resolve("d"));
    home.write(config(store));
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "sync"});
    assertThat(SyncPrefetch.take(home, home.config())).isNull();
    assertThat(store).as("nothing written into it").isEmptyDirectory();
  }

  @Test
  void whatOpeningTheStoreFailedWithIsWhatTheSyncGetsForItsHomeOnly() {
    Home home = new Home(dir.resolve("never-joined"));
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "sync"});
    assertThatThrownBy(() -> SyncPrefetch.take(home, config(dir)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("has not joined a store yet");

    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "sync"});
    assertThat(catchTake(new Home(dir.resolve("other")))).as("another home's failure").isNull();
  }

  @Test
  void anotherCommandOrABadHomeStartsNothing() throws IOException {
    Home home = joinedToTheServer("a");
    SyncPrefetch.startFor(new String[] {"--home", home.dir().toString(), "status"});
    assertThat(SyncPrefetch.take(home, home.config())).isNull();
    SyncPrefetch.startFor(new String[] {"--home", "bad\0path", "sync"});
    assertThat(SyncPrefetch.take(home, home.config())).isNull();
  }

  private static @Nullable StoreAccess catchTake(Home home) {
    try {
      return SyncPrefetch.take(home, config(home.dir()));
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("thrown for another home", e);
    }
  }

  private static HomeConfig config(Path store) {
    return new HomeConfig(new HomeConfig.StoreLocation.Directory(store), "default", "a", Map.of());
  }

  private static final java.util.concurrent.atomic.AtomicInteger DEVICES =
      new java.util.concurrent.atomic.AtomicInteger();

  /** A home joined to the test server as a new device. */
  private Home joinedToTheServer(String name) throws IOException {
    Path home = dir.resolve(name);
    String device = name + "-" + DEVICES.incrementAndGet();
    assertThat(
            Main.run(
                "--home",
                home.toString(),
                "join",
                url,
                "--user",
                "bench",
                "--password-file",
                serverDir.resolve("password").toString(),
                "--device",
                device))
        .isZero();
    return new Home(home);
  }
}
