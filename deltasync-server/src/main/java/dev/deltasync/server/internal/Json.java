package dev.deltasync.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** JSON in and out: one shared mapper, strict about input, with small nesting limits. */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(32)
                          .maxStringLength(1 << 20)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a request body that must be a JSON object.
   *
   * @throws Problem 400 when it is not
   */
  static JsonNode object(byte[] body) throws Problem {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      // The parser's own message may quote the input (a password, a token): say only where.
      var at = e.getLocation();
      throw Problem.badRequest(
          "the body is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (java.io.IOException e) {
      throw Problem.badRequest("the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw Problem.badRequest("the body must be a JSON object");
    }
    return node;
  }
}
