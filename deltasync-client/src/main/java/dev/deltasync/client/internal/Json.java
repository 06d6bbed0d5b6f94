package dev.deltasync.client.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.deltasync.engine.store.StoreException;
import java.io.IOException;

/** JSON in and out: one shared mapper, and field readers that fail with a clear message. */
public final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(32)
                          .maxStringLength(1 << 24)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Parses an answer that must be a JSON object.
   *
   * @throws StoreException when it is not
   */
  public static JsonNode object(byte[] bytes) throws StoreException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new StoreException(
          "the server's answer is not the JSON object the protocol defines;"
              + " is the URL a deltasync server's?");
    }
    return node;
  }

  public static String text(JsonNode node, String field) throws StoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw missing(field, "a string");
    }
    return value.asText();
  }

  public static long number(JsonNode node, String field) throws StoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
      throw missing(field, "a whole number");
    }
    return value.asLong();
  }

  public static boolean bool(JsonNode node, String field) throws StoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw missing(field, "true or false");
    }
    return value.asBoolean();
  }

  public static JsonNode array(JsonNode node, String field) throws StoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw missing(field, "an array");
    }
    return value;
  }

  public static JsonNode object(JsonNode node, String field) throws StoreException {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw missing(field, "an object");
    }
    return value;
  }

  private static StoreException missing(String field, String what) {
    return new StoreException(
        "the server's answer lacks \""
            + field
            + "\" ("
            + what
            + "); is the server a newer version?");
  }
}
