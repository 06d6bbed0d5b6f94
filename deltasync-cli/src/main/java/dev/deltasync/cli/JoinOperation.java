package dev.deltasync.cli;

import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.DeviceRegistration;
import dev.deltasync.client.RetryPolicy;
import dev.deltasync.client.ServerClient;
import dev.deltasync.client.ServerException;
import dev.deltasync.engine.store.DirectoryLogStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes a home a device of a store: registers the device on a server (its token goes into the home,
 * mode 0600) or checks a directory store, then writes the home's configuration.
 */
final class JoinOperation {
  /** The user of a directory store when none is named: every device of it must use the same. */
  static final String DEFAULT_DIRECTORY_USER = "default";

  /**
   * @param home the device's home
   * @param store the {@code STORE} argument: a server URL, a {@code file:} URL or a path
   * @param user the user; required for a server
   * @param password supplies the user's password, asked for only for a server
   * @param device this device's name
   */
  record Options(
      Home home, String store, @Nullable String user, PasswordSupplier password, String device) {}

  /**
   * @param config what the home now holds
   * @param registered whether a device was registered on a server
   */
  record Result(HomeConfig config, boolean registered) {}

  /** Asks for the password only when it is needed. */
  interface PasswordSupplier {
    String get(String user) throws IOException;
  }

  private final Options options;

  JoinOperation(Options options) {
    this.options = options;
  }

  /** Joins; a join that fails leaves no trace of a home it created. */
  Result execute() throws IOException {
    Home home = options.home();
    boolean existed = Files.exists(home.dir());
    boolean done = false;
    try {
      Result result = join(home);
      done = true;
      return result;
    } finally {
      if (!done && !existed) {
        Files.deleteIfExists(home.lockFile());
        try {
          Files.deleteIfExists(home.dir());
        } catch (IOException e) {
          // not empty: something else is in it now; leave it
        }
      }
    }
  }

  private Result join(Home home) throws IOException {
    try (HomeLock lock = HomeLock.acquire(home, "join")) {
      if (home.joined()) {
        HomeConfig existing = home.config();
        throw new UserException(
            "the home "
                + home.dir()
                + " has joined "
                + existing.store()
                + " already, as device \""
                + existing.device()
                + "\" of user \""
                + existing.user()
                + "\". A home is one device: give another --home to join again.");
      }
      String store = options.store();
      if (isServer(store)) {
        return joinServer(home, store);
      }
      return joinDirectory(home, directory(store));
    }
  }

  private Result joinServer(Home home, String url) throws IOException {
    String user = options.user();
    if (user == null) {
      throw new UserException(
          "joining a server needs the user: give --user NAME", ErrorHandler.EXIT_BAD_INPUT);
    }
    ClientOptions client;
    try {
      client = ClientOptions.of(url).withRetry(interactiveRetry());
    } catch (IllegalArgumentException e) {
      throw new UserException(String.valueOf(e.getMessage()), ErrorHandler.EXIT_BAD_INPUT);
    }
    String password = options.password().get(user);
    DeviceRegistration registration;
    try (ServerClient server = ServerClient.connect(client)) {
      registration = server.registerDevice(user, password, options.device());
    } catch (ServerException e) {
      if (e.type().equals("device-exists")) {
        throw new UserException(
            "user \""
                + user
                + "\" has a device named \""
                + options.device()
                + "\" already: choose another name with --device NAME");
      }
      throw e;
    }
    home.writeDeviceToken(registration.token());
    HomeConfig config =
        new HomeConfig(
            new HomeConfig.StoreLocation.Server(client.server().toString()),
            registration.user(),
            registration.device(),
            Map.of());
    home.write(config);
    return new Result(config, true);
  }

  private Result joinDirectory(Home home, Path path) throws IOException {
    Path parent = path.getParent();
    if (!Files.isDirectory(path) && (parent == null || !Files.isDirectory(parent))) {
      throw new UserException(
          "the directory store "
              + path
              + " does not exist, and neither does its parent directory: check the path"
              + " (a new store is created only in an existing directory)");
    }
    String user = options.user() == null ? DEFAULT_DIRECTORY_USER : options.user();
    try (DirectoryLogStore store = DirectoryLogStore.open(path, user)) {
      HomeConfig config =
          new HomeConfig(
              new HomeConfig.StoreLocation.Directory(store.root()),
              user,
              options.device(),
              Map.of());
      home.write(config);
      return new Result(config, false);
    } catch (IllegalArgumentException e) {
      throw new UserException(String.valueOf(e.getMessage()), ErrorHandler.EXIT_BAD_INPUT);
    }
  }

  static boolean isServer(String store) {
    String lower = store.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** A {@code file:} URL or a plain path, made absolute. */
  static Path directory(String store) {
    try {
      if (store.toLowerCase(Locale.ROOT).startsWith("file:")) {
        return Path.of(URI.create(store)).toAbsolutePath().normalize();
      }
      if (store.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
        throw new UserException(
            "STORE is http(s)://HOST[:PORT], file:///PATH or a path, not " + store,
            ErrorHandler.EXIT_BAD_INPUT);
      }
      return Path.of(store).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new UserException(
          "\"" + store + "\" is not a usable store path: " + e.getMessage(),
          ErrorHandler.EXIT_BAD_INPUT);
    }
  }

  /** Registering is interactive: give up on an unreachable server after a few seconds. */
  private static RetryPolicy interactiveRetry() {
    return new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(1));
  }
}
