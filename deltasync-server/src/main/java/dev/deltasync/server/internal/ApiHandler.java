package dev.deltasync.server.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Every request: routed to the management or storage routes of the roles this process serves,
 * problems answered as {@code application/problem+json}, one structured log line and metrics per
 * request. Logs carry the route template and the user id, never tokens, passwords or names.
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger("dev.deltasync.server.access");

  /**
   * After a problem is answered on a connection that closes because the request's body was not read
   * (refused early: too large, not authorized), what the client is still sending is read and thrown
   * away for a while before the connection is closed: closing a socket with unread data makes the
   * kernel reset the connection, and the client then often loses the answer it has not read yet (it
   * sees "connection reset" instead of 413 or 401). A lingering close, at most this many bytes and
   * {@link #LINGER_MILLIS}.
   */
  static final long LINGER_BYTES = 16L * 1024 * 1024;

  static final long LINGER_MILLIS = 3_000;

  private final ManagementRoutes management;
  private final StorageRoutes storage;
  private final boolean managementRole;
  private final boolean storageRole;
  private final ServerMetrics metrics;

  ApiHandler(
      ManagementRoutes management,
      StorageRoutes storage,
      boolean managementRole,
      boolean storageRole,
      ServerMetrics metrics) {
    this.management = management;
    this.storage = storage;
    this.managementRole = managementRole;
    this.storageRole = storageRole;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    @Nullable Exchange x = null;
    int status;
    Throwable failure = null;
    try {
      x = new Exchange(request, response);
      route(x);
      status = response.getStatus();
    } catch (Problem problem) {
      status = answer(x, request, response, problem);
    } catch (EofException e) { // the client went away
      status = 499;
      failure = e;
    } catch (Exchange.BodyTooLarge e) {
      status =
          answer(
              x, request, response, Problem.tooLarge("the body has more than " + e.max + " bytes"));
    } catch (IOException | RuntimeException e) {
      if (response.isCommitted()) {
        status = 499;
        failure = e;
      } else {
        LOG.atError()
            .addKeyValue("route", x == null ? "unmatched" : x.route)
            .setCause(e)
            .log("request failed");
        status =
            answer(
                x,
                request,
                response,
                Problem.unavailable(
                    "the server could not complete the request; it is safe to retry"));
      }
    }
    String route = x == null ? "unmatched" : x.route;
    double seconds = (System.nanoTime() - start) / 1e9;
    metrics
        .requests
        .labelValues(route, methodLabel(request.getMethod()), String.valueOf(status))
        .inc();
    metrics.duration.labelValues(route).observe(seconds);
    if (x != null) {
      metrics.bytesIn.inc(x.bytesIn());
      metrics.bytesOut.inc(x.bytesOut());
    }
    LOG.atLevel(status >= 500 && status != 499 ? Level.WARN : Level.DEBUG)
        .addKeyValue("method", request.getMethod())
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("user", x == null ? -1 : x.userId)
        .addKeyValue("bytesIn", x == null ? 0 : x.bytesIn())
        .addKeyValue("bytesOut", x == null ? 0 : x.bytesOut())
        .addKeyValue("millis", Math.round(seconds * 1000))
        .log("request");
    if (failure == null
        && x != null
        && status >= 400
        && "close".equals(response.getHeaders().get(HttpHeader.CONNECTION))) {
      linger(request); // after the answer, the metrics and the log line: none of them waits
    }
    if (failure != null) {
      callback.failed(failure);
    } else {
      callback.succeeded();
    }
    return true;
  }

  private void route(Exchange x) throws Problem, IOException {
    var s = x.segments;
    if (s.size() == 1 && s.get(0).equals("metrics")) {
      x.route = "/metrics";
      x.requireMethod("GET");
      try (OutputStream out = x.stream(200, "text/plain; version=0.0.4; charset=utf-8", -1)) {
        metrics.write(out);
      }
      return;
    }
    if (s.size() == 2 && s.get(0).equals("v1") && s.get(1).equals("health")) {
      x.route = "/v1/health";
      x.requireMethod("GET");
      x.json(200, Map.of("status", "ok", "management", managementRole, "storage", storageRole));
      return;
    }
    if (managementRole && management.handle(x)) {
      return;
    }
    if (storageRole && storage.handle(x)) {
      return;
    }
    throw Problem.notFound("no such resource: " + x.method + " " + x.path());
  }

  private int answer(@Nullable Exchange x, Request request, Response response, Problem problem) {
    metrics.errors.labelValues(problem.type()).inc();
    if (response.isCommitted()) {
      return 499;
    }
    try {
      if (x == null) {
        response.setStatus(problem.status());
        response.getHeaders().put("Content-Type", "application/problem+json");
        org.eclipse.jetty.io.Content.Sink.write(
            response,
            true,
            new String(
                Json.write(problem.document(request.getHttpURI().getPath())),
                java.nio.charset.StandardCharsets.UTF_8),
            Callback.NOOP);
      } else {
        x.problem(problem);
      }
    } catch (IOException e) {
      return 499;
    }
    return problem.status();
  }

  /**
   * Reads and discards what is left of the request's body, up to {@link #LINGER_BYTES} and for at
   * most {@link #LINGER_MILLIS}, once the answer is written. Not when the client waits for "100
   * Continue": it sends nothing more, and reading would invite the body the answer refused.
   */
  private static void linger(Request request) {
    if (request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
    long drained = 0;
    try {
      while (drained <= LINGER_BYTES && System.nanoTime() < deadline) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          CompletableFuture<@Nullable Void> more = new CompletableFuture<>();
          request.demand(() -> more.complete(null));
          more.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          continue;
        }
        if (Content.Chunk.isFailure(chunk)) {
          return;
        }
        drained += chunk.remaining();
        chunk.release();
        if (chunk.isLast()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // the client went away or stalls: the connection closes now
    }
  }

  /** The method as a metrics label: one of the methods the API uses, or OTHER (bounded). */
  private static String methodLabel(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" -> method;
      default -> "OTHER";
    };
  }
}
