package dev.deltasync.client.internal;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One request to make, described once and built anew for every attempt: method, URL, credentials,
 * body, whether it is safe to repeat, and which error statuses the caller handles itself. {@code
 * what} names the operation in messages ("append a log to collection \"docs\"").
 */
public final class Call {
  final String method;
  final URI uri;
  final String what;
  @Nullable Credentials credentials;
  byte @Nullable [] body;
  int bodyOffset;
  int bodyLength;
  @Nullable String contentType;
  final Map<String, String> headers = new LinkedHashMap<>();
  boolean idempotent;
  boolean retries = true;
  boolean timeout = true;
  Set<Integer> accepted = Set.of();

  private Call(String method, URI uri, String what, boolean idempotent) {
    this.method = method;
    this.uri = uri;
    this.what = what;
    this.idempotent = idempotent;
  }

  public static Call get(URI uri, String what) {
    return new Call("GET", uri, what, true);
  }

  public static Call head(URI uri, String what) {
    return new Call("HEAD", uri, what, true);
  }

  public static Call put(URI uri, String what) {
    return new Call("PUT", uri, what, true);
  }

  public static Call delete(URI uri, String what) {
    return new Call("DELETE", uri, what, true);
  }

  /** A POST, not repeated after a lost answer unless {@link #idempotent()} says it may be. */
  public static Call post(URI uri, String what) {
    return new Call("POST", uri, what, false);
  }

  /** A PATCH, never repeated after a lost answer: its caller resumes instead. */
  public static Call patch(URI uri, String what) {
    return new Call("PATCH", uri, what, false);
  }

  public Call auth(Credentials value) {
    this.credentials = value;
    return this;
  }

  public Call body(byte[] bytes, String type) {
    return body(bytes, 0, bytes.length, type);
  }

  public Call body(byte[] bytes, int offset, int length, String type) {
    this.body = bytes;
    this.bodyOffset = offset;
    this.bodyLength = length;
    this.contentType = type;
    return this;
  }

  public Call json(Object value) {
    return body(Json.write(value), "application/json");
  }

  public Call header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Marks a request the server handles the same however often it arrives. */
  public Call idempotent() {
    this.idempotent = true;
    return this;
  }

  /** Makes a single attempt; the caller retries in its own way. */
  public Call noRetries() {
    this.retries = false;
    return this;
  }

  /** Waits for the answer as long as it takes (a stream of events). */
  public Call noTimeout() {
    this.timeout = false;
    return this;
  }

  /** Error statuses handed to the caller's reader instead of failing the call. */
  public Call accept(Integer... statuses) {
    this.accepted = Set.of(statuses);
    return this;
  }

  public String what() {
    return what;
  }

  public URI uri() {
    return uri;
  }
}
