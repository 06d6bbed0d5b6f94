package dev.deltasync.client.internal;

import dev.deltasync.client.ClientOptions;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.engine.store.StoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.Collection;
import java.util.Set;

/**
 * Sends one finished pack to the server. A pack up to {@link
 * ClientOptions#singleRequestPackBytes()} goes in one {@code POST /v1/packs}; a bigger one through
 * a resumable upload: {@code POST /v1/uploads}, then parts with {@code PATCH} and {@code
 * Upload-Offset}, and {@code POST .../finish}. When a part fails, {@code HEAD} asks the server how
 * much it has kept, and the upload goes on from there, so a broken connection costs at most the
 * part in flight. A part the server refuses (409: another request is still writing the upload) is
 * sent again from the offset the server names, after a pause; so is a broken one. The upload gives
 * up after as many parts in a row without progress as the retry policy has attempts. The server
 * verifies every chunk of the pack before it publishes it.
 */
public final class PackUpload {
  /** Asks the server which chunks it lacks. */
  @FunctionalInterface
  public interface MissingChunks {
    Set<ChunkId> missing(Collection<ChunkId> ids) throws IOException;
  }

  static final String PACK_TYPE = "application/vnd.deltasync.pack";

  private final Transport transport;
  private final Credentials access;
  private final URI storage;

  public PackUpload(Transport transport, Credentials access, URI storage) {
    this.transport = transport;
    this.access = access;
    this.storage = storage;
  }

  /**
   * Uploads {@code pack}, which holds the chunks {@code ids}.
   *
   * @return the server's id of the pack
   * @throws StoreException.Rejected when the server finds the pack not valid or too large
   */
  public String upload(byte[] pack, Collection<ChunkId> ids, MissingChunks missing)
      throws IOException {
    if (pack.length <= transport.options().singleRequestPackBytes()) {
      return whole(pack);
    }
    return resumable(pack, ids, missing);
  }

  private String whole(byte[] pack) throws IOException {
    Call call =
        Call.post(uri("/v1/packs"), "upload a pack of " + pack.length + " bytes")
            .auth(access)
            .body(pack, PACK_TYPE)
            .idempotent() // a pack sent twice stores its chunks once
            .accept(400, 413);
    return transport.call(call, response -> published(response));
  }

  private String resumable(byte[] pack, Collection<ChunkId> ids, MissingChunks missing)
      throws IOException {
    String what = "upload a pack of " + pack.length + " bytes in parts";
    Call start =
        Call.post(uri("/v1/uploads"), "start to " + what)
            .auth(access)
            .idempotent(); // an upload started twice leaves an unused one, which expires
    String upload = transport.call(start, response -> Json.text(response.json(), "upload"));
    URI uploadUri = uri("/v1/uploads/" + Urls.segment(upload));
    int part = transport.options().uploadPartBytes();
    int maxStalls = transport.options().retry().maxAttempts();
    long offset = 0;
    int stalls = 0;
    while (offset < pack.length) {
      int length = (int) Math.min(part, pack.length - offset);
      long before = offset;
      IOException failure = null;
      try {
        offset = patch(uploadUri, what, pack, offset, length);
      } catch (StoreException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failure = e;
      }
      if (failure != null || offset <= before) { // the part failed, or the server took none of it
        stalls++;
        if (stalls >= maxStalls) {
          throw failure != null
              ? failure
              : new IOException(
                  "cannot "
                      + what
                      + ": the server took no more bytes in "
                      + stalls
                      + " attempts; try again later");
        }
        Backoff.sleep(transport.backoff().delay(stalls), what);
        if (failure != null) {
          offset = offset(uploadUri, what); // what the server kept of the broken part
        }
      }
      if (offset > before) {
        stalls = 0;
      }
      if (offset > pack.length) {
        throw new StoreException(
            "the server says the upload has "
                + offset
                + " bytes, more than the "
                + pack.length
                + " sent");
      }
    }
    Call finish =
        Call.post(URI.create(uploadUri + "/finish"), "finish the " + what)
            .auth(access)
            .idempotent()
            .accept(400, 404, 413);
    return transport.call(
        finish,
        response -> {
          if (response.status() == 404) {
            // An earlier attempt finished it and its answer was lost: the chunks are there.
            if (missing.missing(ids).isEmpty()) {
              return "";
            }
            throw new IOException(
                "the server lost the upload before it was finished; it is safe to sync again");
          }
          return published(response);
        });
  }

  /** Sends one part; returns the server's new offset (also after a 409 wrong offset). */
  private long patch(URI uploadUri, String what, byte[] pack, long offset, int length)
      throws IOException {
    Call call =
        Call.patch(uploadUri, what)
            .auth(access)
            .header("Upload-Offset", String.valueOf(offset))
            .body(pack, (int) offset, length, "application/offset+octet-stream")
            .noRetries()
            .accept(409);
    return transport.call(
        call,
        response -> {
          if (response.status() == 409) {
            Problems.Problem problem = Problems.read(response);
            long at = problem.number("offset", -1);
            if (!problem.type().equals("upload-offset") || at < 0) {
              throw Problems.exception(call, problem);
            }
            return at;
          }
          return offsetHeader(response);
        });
  }

  /** How many bytes of the upload the server holds ({@code HEAD}). */
  private long offset(URI uploadUri, String what) throws IOException {
    return transport.call(
        Call.head(uploadUri, "resume the " + what).auth(access), PackUpload::offsetHeader);
  }

  private static long offsetHeader(Response response) throws StoreException {
    String header = response.header("Upload-Offset");
    try {
      long offset = Long.parseLong(header == null ? "" : header.strip());
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new StoreException("the server's answer lacks a valid Upload-Offset header");
  }

  private static String published(Response response) throws IOException {
    if (response.status() == 400 || response.status() == 413) {
      Problems.Problem problem = Problems.read(response);
      throw new StoreException.Rejected(
          "the server refused a pack: " + problem.detail() + " (HTTP " + problem.status() + ")");
    }
    return Json.text(response.json(), "pack");
  }

  private URI uri(String rawPath) {
    return Urls.resolve(storage, rawPath);
  }
}
