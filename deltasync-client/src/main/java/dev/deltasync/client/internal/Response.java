package dev.deltasync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.engine.store.StoreException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/** An answer whose body is read as a stream; closing it releases the connection. */
public final class Response implements Closeable {
  /** The most bytes of a JSON answer read into memory. */
  static final int MAX_JSON_BYTES = 32 * 1024 * 1024;

  /** Declared lengths up to this are allocated at once. */
  static final int PREALLOCATE_BYTES = 64 * 1024 * 1024;

  private final HttpResponse<InputStream> http;

  Response(HttpResponse<InputStream> http) {
    this.http = http;
  }

  public int status() {
    return http.statusCode();
  }

  public @Nullable String header(String name) {
    return http.headers().firstValue(name).orElse(null);
  }

  /** The declared body length, or -1. */
  public long contentLength() {
    return http.headers().firstValueAsLong("Content-Length").orElse(-1);
  }

  public InputStream body() {
    return http.body();
  }

  /**
   * The whole body, at most {@code max} bytes. A declared length up to {@link #PREALLOCATE_BYTES}
   * is read into one array of that size; a bigger one grows with what actually arrives, so that a
   * declared length alone never makes this allocate much.
   *
   * @throws StoreException when the server sends more (or declares more)
   * @throws IOException when the answer ends early
   */
  public byte[] bytes(long max) throws IOException {
    long declared = contentLength();
    if (declared > max) {
      throw new StoreException(
          "the server's answer has " + declared + " bytes, more than the " + max + " expected");
    }
    InputStream in = http.body();
    if (declared >= 0 && declared <= PREALLOCATE_BYTES) {
      byte[] bytes = new byte[(int) declared];
      int n = in.readNBytes(bytes, 0, bytes.length);
      if (n != bytes.length) {
        throw new IOException("the answer ended after " + n + " of " + declared + " bytes");
      }
      return bytes;
    }
    byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
    if (bytes.length > max) {
      throw new StoreException("the server's answer has more than the " + max + " bytes expected");
    }
    if (declared >= 0 && bytes.length != declared) {
      throw new IOException(
          "the answer ended after " + bytes.length + " of " + declared + " bytes");
    }
    return bytes;
  }

  /** The body as a JSON object. */
  public JsonNode json() throws IOException {
    return Json.object(bytes(MAX_JSON_BYTES));
  }

  @Override
  public void close() throws IOException {
    http.body().close();
  }
}
