package dev.deltasync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.client.AuthenticationException;
import dev.deltasync.client.LeaseHeldException;
import dev.deltasync.client.LeaseLostException;
import dev.deltasync.client.ServerException;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Turns an error answer into an exception whose message says what was asked and what the server
 * said. The server's {@code detail} never holds a token or password, and neither does anything
 * added here.
 */
public final class Problems {
  private static final String TYPE_BASE = "https://deltasync.dev/problems/";
  private static final int MAX_PROBLEM_BYTES = 64 * 1024;

  /** A parsed problem document: the type's slug, the detail, and the whole document. */
  public record Problem(int status, String type, String detail, @Nullable JsonNode document) {
    public long number(String field, long fallback) {
      JsonNode value = document == null ? null : document.get(field);
      return value != null && value.canConvertToLong() ? value.asLong() : fallback;
    }
  }

  private Problems() {}

  /** Reads the answer's problem document; a body that is not one gives an empty type. */
  public static Problem read(Response response) {
    int status = response.status();
    String contentType = response.header("Content-Type");
    if (contentType != null && contentType.contains("json")) {
      try {
        JsonNode doc = Json.object(response.bytes(MAX_PROBLEM_BYTES));
        JsonNode type = doc.get("type");
        JsonNode detail = doc.get("detail");
        JsonNode title = doc.get("title");
        String slug = type != null && type.isTextual() ? type.asText() : "";
        if (slug.startsWith(TYPE_BASE)) {
          slug = slug.substring(TYPE_BASE.length());
        }
        String text =
            detail != null && detail.isTextual()
                ? detail.asText()
                : title != null && title.isTextual() ? title.asText() : "HTTP " + status;
        return new Problem(status, slug, text, doc);
      } catch (IOException e) {
        // not a problem document after all
      }
    }
    return new Problem(
        status,
        "",
        "it answered HTTP "
            + status
            + (contentType == null ? "" : " (" + contentType + ")")
            + "; is the URL a deltasync server's, and is no proxy in the way?",
        null);
  }

  /** The exception for an error answer to {@code call}. */
  public static IOException exception(Call call, Response response) {
    return exception(call, read(response));
  }

  /** The exception for a problem of {@code call}. */
  public static IOException exception(Call call, Problem problem) {
    String message =
        "cannot " + call.what + ": " + problem.detail() + " (HTTP " + problem.status() + ")";
    return switch (problem.status()) {
      case 401 -> new AuthenticationException(message, problem.type());
      case 409 ->
          switch (problem.type()) {
            case "lease-held" ->
                new LeaseHeldException(
                    message,
                    Duration.ofSeconds(Math.max(0, problem.number("retryAfterSeconds", 1))));
            case "lease-lost", "lease-fenced" -> new LeaseLostException(message, problem.type());
            default -> new ServerException(message, problem.status(), problem.type());
          };
      default -> new ServerException(message, problem.status(), problem.type());
    };
  }
}
