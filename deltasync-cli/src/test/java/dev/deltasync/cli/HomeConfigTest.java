package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeConfigTest {
  @TempDir Path dir;

  static final HomeConfig SERVER =
      new HomeConfig(
          new HomeConfig.StoreLocation.Server("http://127.0.0.1:8440"),
          "alice",
          "laptop",
          Map.of(
              "docs",
              new HomeConfig.Binding("folder", Path.of("/home/alice/Documents")),
              "Ünïcode/notes",
              new HomeConfig.Binding("folder", Path.of("/home/alice/notes"))));

  static HomeConfig parse(String json) {
    return HomeConfig.parse(json.getBytes(StandardCharsets.UTF_8), "config.json");
  }

  @Test
  void serverConfigSurvivesWritingAndReading() {
    assertThat(HomeConfig.parse(SERVER.toBytes(), "x")).isEqualTo(SERVER);
  }

  @Test
  void directoryConfigSurvivesWritingAndReading() {
    HomeConfig config =
        new HomeConfig(
            new HomeConfig.StoreLocation.Directory(Path.of("/mnt/usb/store")),
            "default",
            "a",
            Map.of());
    assertThat(HomeConfig.parse(config.toBytes(), "x")).isEqualTo(config);
  }

  @Test
  void theFileIsVersionedJsonWithSortedCollections() {
    String text = new String(SERVER.toBytes(), StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\n  \"version\" : 1,").endsWith("}\n");
    assertThat(text.indexOf("\"docs\"")).isLessThan(text.indexOf("\"Ünïcode/notes\""));
    assertThat(text).doesNotContain("token");
  }

  @Test
  void aNewerVersionIsRefusedWithWhatToDo() {
    assertThatThrownBy(() -> parse("{\"version\": 2}"))
        .isInstanceOf(UserException.class)
        .hasMessage(
            "config.json is version 2 of the home configuration; this deltasync reads version 1:"
                + " use a newer deltasync");
  }

  @Test
  void damagedFilesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> parse("{\"version\": 1"))
        .hasMessageStartingWith(
            "config.json is not a usable deltasync home configuration: it is" + " not valid JSON");
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("it is not a JSON object");
    assertThatThrownBy(() -> parse("{\"store\": {}}")).hasMessageContaining("no \"version\"");
    assertThatThrownBy(() ->
            parse("{\"version\":1,\"store\":{\"kind\":\"ftp\"},\"user\":\"a\",\"device\":\"b\"}"))
        .hasMessageContaining("the store kind \"ftp\" is unknown");
    assertThatThrownBy(() ->
            parse(
                "{\"version\":1,\"store\":{\"kind\":\"directory\",\"path\":\"rel\"},"
                    + "\"user\":\"a\",\"device\":\"b\"}"))
        .hasMessageContaining("is not absolute");
    assertThatThrownBy(() ->
            parse(
                "{\"version\":1,\"store\":{\"kind\":\"server\",\"url\":\"http://x\"},"
                    + "\"device\":\"b\"}"))
        .hasMessageContaining("no \"user\" text");
  }

  @Test
  void homeWritesAtomicallyAndReadsBack() throws Exception {
    Home home = new Home(dir.resolve("home"));
    assertThat(home.joined()).isFalse();
    assertThatThrownBy(home::config).hasMessageContaining("has not joined a store yet");
    home.write(SERVER);
    assertThat(home.config()).isEqualTo(SERVER);
    home.writeDeviceToken("secret-token");
    assertThat(home.deviceToken()).isEqualTo("secret-token");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.tokenFile())))
        .isEqualTo("rw-------");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.dir())))
        .isEqualTo("rwx------");
    try (var files = Files.list(home.dir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("config.json", "device-token");
    }
  }

  @Test
  void collectionNamesMapToDistinctSafeDirectoryNames() {
    assertThat(Home.directoryName("docs")).isEqualTo("c-docs");
    assertThat(Home.directoryName("..")).isEqualTo("c-%2E%2E");
    assertThat(Home.directoryName("a/b")).isEqualTo("c-a%2Fb");
    assertThat(Home.directoryName("Ü")).isEqualTo("c-%C3%9C");
    assertThat(Home.directoryName("a%2Fb")).isNotEqualTo(Home.directoryName("a/b"));
  }

  @Test
  void conflictCopiesAreRecognisedByTheEnginesNaming() {
    assertThat(ConflictCopies.parse("notes/todo.conflict-my-laptop-20261122-101500.txt"))
        .isEqualTo(
            new ConflictCopies.Copy(
                "notes/todo.conflict-my-laptop-20261122-101500.txt",
                "notes/todo.txt",
                "my-laptop",
                "20261122-101500"));
    assertThat(ConflictCopies.parse("Makefile.conflict-b-20261122-101500-2"))
        .extracting(ConflictCopies.Copy::original)
        .isEqualTo("Makefile");
    assertThat(ConflictCopies.parse("todo.txt")).isNull();
    assertThat(ConflictCopies.parse("a.conflict-x.txt")).isNull();
  }
}
