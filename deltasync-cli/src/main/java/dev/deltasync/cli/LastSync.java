package dev.deltasync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltasync.engine.SyncResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The summary of a collection's last successful sync, kept in the home for {@code status}.
 *
 * @param time when it ended
 * @param cursor the store sequence applied
 * @param sent changes pushed
 * @param applied changes applied
 * @param conflicts conflicts resolved
 */
record LastSync(Instant time, long cursor, long sent, long applied, long conflicts) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static void write(Home home, String collection, SyncResult result) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", 1);
    node.put("time", Instant.now().toString());
    node.put("cursor", result.cursor());
    node.put("sent", result.sent());
    node.put("applied", result.applied());
    node.put("conflicts", result.conflicts());
    Files.createDirectories(home.collectionDir(collection));
    Output.writeAtomically(
        home.lastSyncFile(collection),
        (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The last sync, or null when there was none (or its summary cannot be read). */
  static @Nullable LastSync read(Home home, String collection) {
    try {
      JsonNode node = JSON.readTree(Files.readAllBytes(home.lastSyncFile(collection)));
      return new LastSync(
          Instant.parse(node.path("time").asText()),
          node.path("cursor").asLong(),
          node.path("sent").asLong(),
          node.path("applied").asLong(),
          node.path("conflicts").asLong());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
