package dev.deltasync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device home's configuration, {@code HOME/config.json}: which store the device joined, as which
 * user and device, and the collections it binds to local data. Version 1 of the file:
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "store": {"kind": "server", "url": "http://127.0.0.1:8440"}   or {"kind": "directory", "path": "/abs"},
 *   "user": "alice",
 *   "device": "laptop",
 *   "collections": {"docs": {"type": "folder", "path": "/home/alice/Documents"}}
 * }
 * }</pre>
 *
 * The device token of a server store is not in this file but in {@code HOME/device-token}.
 *
 * @param store where the logs live
 * @param user the user whose data this device syncs
 * @param device this device's name
 * @param collections every bound collection by name, sorted
 */
record HomeConfig(
    StoreLocation store, String user, String device, Map<String, Binding> collections) {
  /** The version of the file this build writes and reads. */
  static final int VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  HomeConfig {
    collections = Collections.unmodifiableMap(new TreeMap<>(collections));
  }

  /** Where the change logs of a home live. */
  sealed interface StoreLocation {
    /** A deltasync server at {@code url}. */
    record Server(String url) implements StoreLocation {
      @Override
      public String toString() {
        return url;
      }
    }

    /** A directory store at an absolute {@code path}. */
    record Directory(Path path) implements StoreLocation {
      @Override
      public String toString() {
        return path.toString();
      }
    }
  }

  /**
   * A collection bound to local data.
   *
   * @param type the source type: {@code folder}
   * @param path the local data, absolute
   */
  record Binding(String type, Path path) {}

  HomeConfig withCollection(String name, Binding binding) {
    Map<String, Binding> all = new TreeMap<>(collections);
    all.put(name, binding);
    return new HomeConfig(store, user, device, all);
  }

  /** The file's bytes: pretty JSON with a final line break. */
  byte[] toBytes() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ObjectNode storeNode = root.putObject("store");
    switch (store) {
      case StoreLocation.Server server -> {
        storeNode.put("kind", "server");
        storeNode.put("url", server.url());
      }
      case StoreLocation.Directory directory -> {
        storeNode.put("kind", "directory");
        storeNode.put("path", directory.path().toString());
      }
    }
    root.put("user", user);
    root.put("device", device);
    ObjectNode bound = root.putObject("collections");
    for (Map.Entry<String, Binding> entry : collections.entrySet()) {
      ObjectNode node = bound.putObject(entry.getKey());
      node.put("type", entry.getValue().type());
      node.put("path", entry.getValue().path().toString());
    }
    try {
      return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  /**
   * Parses the file's bytes.
   *
   * @param source names the file in error messages
   * @throws UserException when the file is not a configuration this build reads
   */
  static HomeConfig parse(byte[] bytes, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw bad(source, "it is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (java.io.IOException e) {
      throw bad(source, "it cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw bad(source, "it is not a JSON object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isIntegralNumber()) {
      throw bad(source, "it has no \"version\"");
    }
    if (version.asLong() != VERSION) {
      throw new UserException(
          source
              + " is version "
              + version.asLong()
              + " of the home configuration; this deltasync reads version "
              + VERSION
              + (version.asLong() > VERSION ? ": use a newer deltasync" : ""));
    }
    JsonNode storeNode = object(root, "store", source);
    String kind = text(storeNode, "kind", source);
    StoreLocation store =
        switch (kind) {
          case "server" -> new StoreLocation.Server(text(storeNode, "url", source));
          case "directory" -> {
            Path path = Path.of(text(storeNode, "path", source));
            if (!path.isAbsolute()) {
              throw bad(source, "the store path " + path + " is not absolute");
            }
            yield new StoreLocation.Directory(path);
          }
          default -> throw bad(source, "the store kind \"" + kind + "\" is unknown");
        };
    Map<String, Binding> collections = new TreeMap<>();
    JsonNode bound = root.get("collections");
    if (bound != null) {
      if (!bound.isObject()) {
        throw bad(source, "\"collections\" is not an object");
      }
      for (Map.Entry<String, JsonNode> entry : bound.properties()) {
        String where = "collection \"" + entry.getKey() + "\"";
        if (!entry.getValue().isObject()) {
          throw bad(source, where + " is not an object");
        }
        Path path = Path.of(text(entry.getValue(), "path", source));
        if (!path.isAbsolute()) {
          throw bad(source, "the path of " + where + " is not absolute");
        }
        collections.put(entry.getKey(), new Binding(text(entry.getValue(), "type", source), path));
      }
    }
    return new HomeConfig(
        store, text(root, "user", source), text(root, "device", source), collections);
  }

  private static JsonNode object(JsonNode node, String field, String source) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw bad(source, "it has no \"" + field + "\" object");
    }
    return value;
  }

  private static String text(JsonNode node, String field, String source) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw bad(source, "it has no \"" + field + "\" text");
    }
    return value.asText();
  }

  private static UserException bad(String source, String why) {
    return new UserException(
        source + " is not a usable deltasync home configuration: " + why + "; fix or remove it");
  }
}
