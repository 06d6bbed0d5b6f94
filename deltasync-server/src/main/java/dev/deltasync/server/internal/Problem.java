package dev.deltasync.server.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An error answer, sent as {@code application/problem+json} (RFC 9457): {@code type} (a short
 * stable slug under {@code https://deltasync.dev/problems/}), {@code title}, {@code status}, {@code
 * detail} (what was wrong and what to do), and extra members where useful (the actual head of a
 * collection, the offset of an upload). Details never contain a token or password.
 */
final class Problem extends Exception {
  private static final long serialVersionUID = 1L;
  static final String TYPE_BASE = "https://deltasync.dev/problems/";

  private final int status;
  private final String type;
  private final String title;
  private final transient Map<String, Object> extra = new LinkedHashMap<>();
  private final transient Map<String, String> headers = new LinkedHashMap<>();

  Problem(int status, String type, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
  }

  /** Adds a member to the problem document. */
  Problem with(String name, Object value) {
    extra.put(name, value);
    return this;
  }

  /** Adds a response header (sent with the problem document, such as Content-Range on a 416). */
  Problem withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** A member added with {@link #with}, or null. */
  @Nullable Object member(String name) {
    return extra.get(name);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  Map<String, Object> document(String instance) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("type", TYPE_BASE + type);
    document.put("title", title);
    document.put("status", status);
    document.put("detail", getMessage());
    document.put("instance", instance);
    document.putAll(extra);
    return document;
  }

  static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", "Bad request", detail);
  }

  static Problem invalidLog(String detail) {
    return new Problem(400, "invalid-log", "Invalid change log", detail);
  }

  static Problem invalidPack(String detail) {
    return new Problem(400, "invalid-pack", "Invalid pack", detail);
  }

  static Problem unauthorized(String detail) {
    return new Problem(401, "unauthorized", "Unauthorized", detail);
  }

  /** 401 for a route that takes the user's name and password (HTTP Basic). */
  static Problem unauthorizedBasic(String detail) {
    return unauthorized(detail)
        .withHeader("WWW-Authenticate", "Basic realm=\"deltasync\", charset=\"UTF-8\"");
  }

  static Problem forbidden(String detail) {
    return new Problem(403, "forbidden", "Forbidden", detail);
  }

  static Problem notFound(String detail) {
    return new Problem(404, "not-found", "Not found", detail);
  }

  static Problem methodNotAllowed(String detail) {
    return new Problem(405, "method-not-allowed", "Method not allowed", detail);
  }

  static Problem conflict(String type, String title, String detail) {
    return new Problem(409, type, title, detail);
  }

  static Problem tooLarge(String detail) {
    return new Problem(413, "too-large", "Request body too large", detail);
  }

  static Problem unsupportedMediaType(String detail) {
    return new Problem(415, "unsupported-media-type", "Unsupported media type", detail);
  }

  static Problem rangeNotSatisfiable(String detail) {
    return new Problem(416, "range-not-satisfiable", "Range not satisfiable", detail);
  }

  static Problem tooManyRequests(String detail, long retryAfterSeconds) {
    return new Problem(429, "too-many-requests", "Too many requests", detail)
        .with("retryAfterSeconds", retryAfterSeconds);
  }

  static Problem unavailable(String detail) {
    return new Problem(503, "unavailable", "Service unavailable", detail);
  }
}
