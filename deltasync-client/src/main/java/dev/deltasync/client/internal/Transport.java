package dev.deltasync.client.internal;

import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.ServerUnreachableException;
import dev.deltasync.engine.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Sends {@link Call}s over one shared {@link HttpClient} (connections are pooled and reused), with
 * retries by the {@link dev.deltasync.client.RetryPolicy}:
 *
 * <ul>
 *   <li>a connection that could not be made (refused, timed out, unknown host): the request never
 *       left, so every request is retried;
 *   <li>a connection lost or an answer that did not arrive or broke off, and the answers 500, 502,
 *       503 and 504: only idempotent requests are retried;
 *   <li>429 (too many requests): every request, after the Retry-After the server gives;
 *   <li>401 with credentials that can be renewed (an access token): once, with a new token.
 * </ul>
 *
 * HTTP/1.1 for {@code http://} URLs and HTTP/2 (negotiated by TLS ALPN, falling back to 1.1) for
 * {@code https://} ones. Thread-safe.
 */
public final class Transport implements AutoCloseable {
  /** A Retry-After longer than this is not waited for: the call fails and says so. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Reads an accepted answer into a result. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(Response response) throws IOException;
  }

  /** Handles an accepted answer that gives no result. */
  @FunctionalInterface
  public interface Handler {
    void handle(Response response) throws IOException;
  }

  /** For {@code http://} URLs: its TLS context (which HttpClient wants) is never used. */
  private final HttpClient plain;

  /** For {@code https://} URLs, made on first use: loading the trusted certificates takes time. */
  private volatile @Nullable HttpClient secure;

  private final Object secureLock = new Object();

  private final ClientOptions options;
  private final Backoff backoff;
  private volatile boolean closed;

  public Transport(ClientOptions options) {
    this.options = options;
    this.backoff = new Backoff(options.retry());
    this.plain = client(NoTls.context());
  }

  private HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder()
        .sslContext(tls)
        .connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** The client for {@code uri}: the shared TLS one, made now if needed, for https. */
  private HttpClient clientFor(URI uri) throws IOException {
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return plain;
    }
    HttpClient client = secure;
    if (client == null) {
      synchronized (secureLock) {
        client = secure;
        if (client == null) {
          if (closed) {
            throw new IOException("the connection to " + uri.getHost() + " was closed");
          }
          try {
            client = client(SSLContext.getDefault());
          } catch (NoSuchAlgorithmException e) {
            throw new SSLException("this Java has no TLS: " + e.getMessage(), e);
          }
          secure = client;
        }
      }
    }
    return client;
  }

  public ClientOptions options() {
    return options;
  }

  public Backoff backoff() {
    return backoff;
  }

  /**
   * Makes the call, retrying as described above, and hands a 2xx answer, or one whose status the
   * call accepts, to {@code reader}. An {@link IOException} from the reader (the answer broke off)
   * retries an idempotent call too; a {@link StoreException} from it does not.
   *
   * @throws dev.deltasync.client.ServerException and subclasses for error answers
   * @throws ServerUnreachableException when no connection could be made
   * @throws IOException when the connection failed otherwise
   */
  public <T> T call(Call call, Reader<T> reader) throws IOException {
    int maxAttempts = call.retries ? options.retry().maxAttempts() : 1;
    boolean renewed = false;
    int attempt = 0;
    while (true) {
      attempt++;
      boolean last = attempt >= maxAttempts;
      HttpRequest request = request(call); // may fetch an access token, with its own retries
      HttpResponse<InputStream> answer;
      try {
        answer = clientFor(call.uri()).send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while trying to " + call.what);
      } catch (IOException e) {
        if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        if (e instanceof SSLHandshakeException) {
          throw failure(call, e, attempt); // the same again next time
        }
        if (!last && (call.idempotent || neverSent(e))) {
          Backoff.sleep(backoff.delay(attempt), call.what);
          continue;
        }
        throw failure(call, e, attempt);
      }
      @Nullable Duration wait = null;
      Response response = new Response(answer);
      try {
        int status = response.status();
        if (status == 401
            && !renewed
            && call.credentials != null
            && call.credentials.renewAfterRejection()) {
          renewed = true;
          attempt--;
          continue;
        }
        boolean retryable =
            status == 429
                || (call.idempotent
                    && (status == 500 || status == 502 || status == 503 || status == 504));
        if ((status >= 200 && status < 300) || call.accepted.contains(status)) {
          try {
            return reader.read(response);
          } catch (StoreException | InterruptedIOException e) {
            throw e;
          } catch (IOException e) {
            if (last || !call.idempotent) {
              throw failure(call, e, attempt);
            }
          }
        } else if (retryable && !last) {
          wait = Backoff.retryAfter(response.header("Retry-After"));
          if (wait != null && wait.compareTo(MAX_RETRY_AFTER) > 0) {
            throw Problems.exception(call, response);
          }
        } else {
          throw Problems.exception(call, response);
        }
      } finally {
        closeQuietly(response);
      }
      Duration delay = backoff.delay(attempt);
      Backoff.sleep(wait != null && wait.compareTo(delay) > 0 ? wait : delay, call.what);
    }
  }

  /** Like {@link #call(Call, Reader)}, for calls whose answer gives no result. */
  public void send(Call call, Handler handler) throws IOException {
    call(
        call,
        response -> {
          handler.handle(response);
          return Boolean.TRUE;
        });
  }

  private HttpRequest request(Call call) throws IOException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri);
    builder.version(
        call.uri.getScheme().equals("https")
            ? HttpClient.Version.HTTP_2
            : HttpClient.Version.HTTP_1_1);
    if (call.timeout) {
      builder.timeout(options.requestTimeout());
    }
    if (call.credentials != null) {
      builder.header("Authorization", call.credentials.authorization());
    }
    for (var header : call.headers.entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    byte[] body = call.body;
    if (body != null) {
      builder.header(
          "Content-Type", call.contentType == null ? "application/octet-stream" : call.contentType);
      builder.method(
          call.method,
          HttpRequest.BodyPublishers.ofByteArray(body, call.bodyOffset, call.bodyLength));
    } else {
      builder.method(call.method, HttpRequest.BodyPublishers.noBody());
    }
    return builder.build();
  }

  /** Whether the request surely never reached the server. */
  static boolean neverSent(IOException e) {
    return e instanceof ConnectException
        || e instanceof HttpConnectTimeoutException
        || e instanceof UnknownHostException
        || e.getCause() instanceof UnresolvedAddressException;
  }

  /** The exception to throw when the connection failed for good. */
  private IOException failure(Call call, IOException e, int attempts) {
    String server = Urls.origin(call.uri);
    String tries = attempts == 1 ? "" : " (" + attempts + " attempts)";
    if (e instanceof UnknownHostException || e.getCause() instanceof UnresolvedAddressException) {
      return new ServerUnreachableException(
          "cannot "
              + call.what
              + ": the host name "
              + call.uri.getHost()
              + " is unknown"
              + tries
              + "; check the server URL",
          e);
    }
    if (neverSent(e)) {
      return new ServerUnreachableException(
          "cannot "
              + call.what
              + ": the deltasync server at "
              + server
              + " cannot be reached ("
              + (e instanceof HttpConnectTimeoutException ? "connect timed out" : reason(e))
              + ")"
              + tries
              + "; check the URL and that the server is running",
          e);
    }
    if (e instanceof SSLException) {
      return new IOException(
          "cannot "
              + call.what
              + ": the TLS connection to "
              + server
              + " failed ("
              + reason(e)
              + "); check that the URL's scheme (http or https) is the server's and that this"
              + " machine trusts the server's certificate",
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return new IOException(
          "cannot "
              + call.what
              + ": the server at "
              + server
              + " did not answer within "
              + options.requestTimeout().toSeconds()
              + " s"
              + tries
              + "; try again later",
          e);
    }
    return new IOException(
        "cannot "
            + call.what
            + ": the connection to "
            + server
            + " failed ("
            + reason(e)
            + ")"
            + tries
            + (call.idempotent
                ? "; it is safe to try again"
                : "; the server may have done it before the connection failed"),
        e);
  }

  private static String reason(IOException e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void closeQuietly(Response response) {
    try {
      response.close();
    } catch (IOException e) {
      // the answer was read or is abandoned; its connection is closed either way
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    HttpClient client;
    synchronized (secureLock) { // none is made after this
      closed = true;
      client = secure;
    }
    plain.shutdownNow();
    if (client != null) {
      client.shutdownNow();
    }
  }
}
