package dev.deltasync.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Answers the errors Jetty finds before a request reaches the routes (a path it refuses, headers
 * that are too large, a malformed request) as problem documents, like every other error. The detail
 * is fixed per status, because Jetty's own message may quote the request.
 */
final class ProblemErrorHandler extends ErrorHandler {
  /** Every method gets a problem document, not only GET, POST and HEAD (Jetty's default). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      @Nullable String message,
      @Nullable Throwable cause,
      Callback callback)
      throws IOException {
    Problem problem =
        switch (code) {
          case 400 ->
              Problem.badRequest(
                  "the request is not valid HTTP, or its path is not valid percent-encoded UTF-8");
          case 413 -> Problem.tooLarge("the request is too large");
          case 414 ->
              new Problem(414, "uri-too-long", "URI too long", "the request's URI is too long");
          case 431 ->
              new Problem(
                  431,
                  "headers-too-large",
                  "Request header fields too large",
                  "the request's headers are too large");
          default ->
              new Problem(
                  code,
                  "http-" + code,
                  HttpStatus.getMessage(code),
                  "the server could not handle the request (HTTP " + code + ")");
        };
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.write(
        true,
        ByteBuffer.wrap(Json.write(problem.document(request.getHttpURI().getPath()))),
        callback);
  }
}
