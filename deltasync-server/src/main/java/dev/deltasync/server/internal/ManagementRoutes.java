package dev.deltasync.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.server.backend.BackendException;
import dev.deltasync.server.backend.DeviceRecord;
import dev.deltasync.server.backend.HeadChange;
import dev.deltasync.server.backend.Lease;
import dev.deltasync.server.backend.LeaseOutcome;
import dev.deltasync.server.backend.MetadataBackend;
import dev.deltasync.server.backend.UserRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The management role: users, devices, access tokens, the storage location, leases, heads and the
 * push channel. docs/protocol.md describes every route.
 */
final class ManagementRoutes {
  static final int MAX_JSON_BYTES = 64 * 1024;
  static final long ACCESS_TOKEN_MILLIS = TimeUnit.MINUTES.toMillis(10);
  static final long DEFAULT_LEASE_SECONDS = 60;
  static final long MAX_LEASE_SECONDS = 3600;
  static final long HEARTBEAT_MILLIS = 15_000;

  private final MetadataBackend metadata;
  private final Authenticator auth;
  private final AccessTokens accessTokens;
  private final HeadEvents events;
  private final ServerMetrics metrics;
  private final LongSupplier clock;
  private final Supplier<String> storageUrl;

  ManagementRoutes(
      MetadataBackend metadata,
      Authenticator auth,
      AccessTokens accessTokens,
      HeadEvents events,
      ServerMetrics metrics,
      LongSupplier clock,
      Supplier<String> storageUrl) {
    this.metadata = metadata;
    this.auth = auth;
    this.accessTokens = accessTokens;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.storageUrl = storageUrl;
  }

  /** Handles the request when it is a management route; false when it is not one. */
  boolean handle(Exchange x) throws Problem, IOException {
    List<String> s = x.segments;
    if (s.size() < 2 || !s.get(0).equals("v1")) {
      return false;
    }
    switch (s.get(1)) {
      case "users" -> {
        if (s.size() != 2) {
          return false;
        }
        x.route = "/v1/users";
        x.requireMethod("POST");
        createUser(x);
      }
      case "devices" -> {
        if (s.size() == 2) {
          x.route = "/v1/devices";
          x.requireMethod("GET", "POST");
          if (x.method.equals("POST")) {
            registerDevice(x);
          } else {
            listDevices(x);
          }
        } else if (s.size() == 3) {
          x.route = "/v1/devices/{name}";
          x.requireMethod("DELETE");
          revokeDevice(x, s.get(2));
        } else {
          return false;
        }
      }
      case "access-tokens" -> {
        if (s.size() != 2) {
          return false;
        }
        x.route = "/v1/access-tokens";
        x.requireMethod("POST");
        issueAccessToken(x);
      }
      case "location" -> {
        if (s.size() != 2) {
          return false;
        }
        x.route = "/v1/location";
        x.requireMethod("GET");
        location(x);
      }
      case "heads" -> {
        if (s.size() != 2) {
          return false;
        }
        x.route = "/v1/heads";
        x.requireMethod("GET");
        heads(x);
      }
      case "events" -> {
        if (s.size() != 2) {
          return false;
        }
        x.route = "/v1/events";
        x.requireMethod("GET");
        events(x);
      }
      case "collections" -> {
        if (s.size() == 4 && s.get(3).equals("lease")) {
          x.route = "/v1/collections/{c}/lease";
          x.requireMethod("POST");
          acquireLease(x, Names.collection(s.get(2)));
        } else if (s.size() == 5 && s.get(3).equals("lease")) {
          x.route = "/v1/collections/{c}/lease/{id}";
          x.requireMethod("PUT", "DELETE");
          if (x.method.equals("DELETE")) {
            releaseLease(x, Names.collection(s.get(2)), s.get(4));
          } else {
            renewLease(x, Names.collection(s.get(2)), s.get(4));
          }
        } else {
          return false;
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void createUser(Exchange x) throws Problem, IOException {
    auth.admin(x);
    JsonNode body = Json.object(x.bodyBytes(MAX_JSON_BYTES));
    String name = Names.user(text(body, "name"));
    String password = text(body, "password");
    if (password.length() < 8 || password.length() > 1024) {
      throw Problem.badRequest("a password has 8 to 1024 characters");
    }
    try {
      UserRecord user = metadata.createUser(name, Passwords.hash(password));
      x.json(201, Map.of("name", user.name()));
    } catch (BackendException.NameTaken e) {
      throw Problem.conflict("user-exists", "User exists", "user \"" + name + "\" exists already");
    }
  }

  private void registerDevice(Exchange x) throws Problem, IOException {
    UserRecord user = auth.password(x);
    JsonNode body = Json.object(x.bodyBytes(MAX_JSON_BYTES));
    String name = Names.device(text(body, "name"));
    String token = Secrets.newToken(Secrets.DEVICE_PREFIX);
    try {
      metadata.createDevice(user.id(), name, Secrets.sha256(token), clock.getAsLong());
    } catch (BackendException.NameTaken e) {
      throw Problem.conflict(
          "device-exists",
          "Device exists",
          "you have a device named \""
              + name
              + "\" already; choose another name, or revoke the old device first"
              + " (DELETE /v1/devices/{name})");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("user", user.name());
    answer.put("device", name);
    answer.put("token", token);
    answer.put("storage", storageUrl.get());
    x.json(201, answer);
  }

  private void listDevices(Exchange x) throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    List<Map<String, Object>> devices = new ArrayList<>();
    for (DeviceRecord device : metadata.devices(caller.user().id())) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", device.name());
      entry.put("createdMillis", device.createdMillis());
      entry.put("lastSeenMillis", device.lastSeenMillis());
      entry.put("revoked", device.revoked());
      entry.put("current", device.id() == caller.device().id());
      devices.add(entry);
    }
    x.json(200, Map.of("devices", devices));
  }

  private void revokeDevice(Exchange x, String name) throws Problem, IOException {
    long userId;
    if (x.header("Authorization") == null) { // either works: offer both
      throw Problem.unauthorized(
              "revoke a device with a device token of the same user, or with the user's name and"
                  + " password")
          .withHeader(
              "WWW-Authenticate",
              "Bearer realm=\"deltasync\", Basic realm=\"deltasync\", charset=\"UTF-8\"");
    } else if (isBasic(x)) {
      userId = auth.password(x).id();
    } else {
      userId = auth.device(x).user().id();
    }
    if (!metadata.revokeDevice(userId, name, clock.getAsLong())) {
      throw Problem.notFound("you have no device named \"" + name + "\" that is not revoked");
    }
    x.noContent();
  }

  private void issueAccessToken(Exchange x) throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    JsonNode body = Json.object(x.bodyBytes(MAX_JSON_BYTES));
    JsonNode collection = body.get("collection");
    if (collection != null && !collection.isNull() && !collection.isTextual()) {
      throw Problem.badRequest("\"collection\" is a collection name (a string), or null for all");
    }
    String scope =
        collection == null || collection.isNull() ? "" : Names.collection(collection.asText());
    long now = clock.getAsLong();
    long expires = now + ACCESS_TOKEN_MILLIS;
    if (now - caller.device().lastSeenMillis() > 60_000) {
      metadata.touchDevice(caller.device().id(), now);
    }
    String token =
        accessTokens.issue(
            new AccessTokens.Grant(
                caller.user().id(), caller.user().name(), caller.device().id(), scope, expires));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("token", token);
    answer.put("expiresMillis", expires);
    answer.put("scope", scope.isEmpty() ? null : scope);
    answer.put("storage", storageUrl.get());
    x.json(200, answer);
  }

  private void location(Exchange x) throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    x.json(
        200,
        Map.of(
            "user",
            caller.user().name(),
            "device",
            caller.device().name(),
            "storage",
            storageUrl.get()));
  }

  private void heads(Exchange x) throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    x.json(200, Map.of("heads", metadata.heads(caller.user().id())));
  }

  /**
   * Server-sent events: first a {@code heads} event with every head, then a {@code head} event for
   * each new log of the user's collections, and a comment line every 15 s to keep the connection
   * alive. Runs until the client goes away or the server stops.
   */
  private void events(Exchange x) throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    long userId = caller.user().id();
    HeadEvents.Watcher watcher = events.watch(userId);
    metrics.watchers.inc();
    try {
      x.response.getHeaders().put("Cache-Control", "no-store");
      x.response.getHeaders().put("X-Accel-Buffering", "no");
      OutputStream out = x.stream(200, "text/event-stream; charset=utf-8", -1);
      send(out, "heads", Json.write(Map.of("heads", metadata.heads(userId))));
      while (true) {
        HeadChange change;
        try {
          change = watcher.changes.poll(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (watcher.ended) {
          return; // the server is stopping: the client reconnects, to another server if need be
        }
        if (metadata.device(caller.device().id()).map(d -> d.revoked()).orElse(true)) {
          return; // revoked: its stream ends now, and it cannot open another
        }
        if (change == null) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        } else {
          send(
              out,
              "head",
              Json.write(Map.of("collection", change.collection(), "head", change.head())));
        }
      }
    } finally {
      events.unwatch(watcher);
      metrics.watchers.dec();
    }
  }

  private static void send(OutputStream out, String event, byte[] data) throws IOException {
    out.write(("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8));
    out.write(data);
    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void acquireLease(Exchange x, String collection) throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    long ttl = ttlMillis(Json.object(x.bodyBytes(MAX_JSON_BYTES)));
    LeaseOutcome outcome =
        metadata.acquireLease(
            caller.user().id(), collection, caller.device().id(), ttl, clock.getAsLong());
    switch (outcome) {
      case LeaseOutcome.Granted granted -> x.json(201, lease(granted.lease()));
      case LeaseOutcome.Held held -> {
        metrics.leaseWaits.inc();
        long wait = Math.max(1, (held.expiresMillis() - clock.getAsLong() + 999) / 1000);
        throw Problem.conflict(
                "lease-held",
                "Lease held",
                "another device holds the lease on collection \""
                    + collection
                    + "\"; retry after it ends or is released")
            .with("expiresMillis", held.expiresMillis())
            .with("retryAfterSeconds", wait);
      }
      case LeaseOutcome.Lost lost -> throw new IllegalStateException("a new lease is never lost");
    }
  }

  private void renewLease(Exchange x, String collection, String leaseId)
      throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    long ttl = ttlMillis(Json.object(x.bodyBytes(MAX_JSON_BYTES)));
    LeaseOutcome outcome =
        metadata.renewLease(
            caller.user().id(), collection, leaseId, caller.device().id(), ttl, clock.getAsLong());
    if (outcome instanceof LeaseOutcome.Granted granted
        && granted.lease().deviceId() == caller.device().id()) {
      x.json(200, lease(granted.lease()));
    } else {
      throw Problem.conflict(
          "lease-lost",
          "Lease lost",
          "this lease has expired or was replaced; take a new lease, pull, and start again");
    }
  }

  private void releaseLease(Exchange x, String collection, String leaseId)
      throws Problem, IOException {
    Authenticator.DeviceAuth caller = auth.device(x);
    if (!metadata.releaseLease(caller.user().id(), collection, leaseId, caller.device().id())) {
      throw Problem.notFound("no such lease on collection \"" + collection + "\"");
    }
    x.noContent();
  }

  private static Map<String, Object> lease(Lease lease) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("lease", lease.leaseId());
    answer.put("collection", lease.collection());
    answer.put("fencing", lease.fencing());
    answer.put("expiresMillis", lease.expiresMillis());
    return answer;
  }

  private static long ttlMillis(JsonNode body) throws Problem {
    JsonNode ttl = body.get("ttlSeconds");
    if (ttl == null || ttl.isNull()) {
      return DEFAULT_LEASE_SECONDS * 1000;
    }
    if (!ttl.isIntegralNumber()
        || !ttl.canConvertToLong()
        || ttl.asLong() < 1
        || ttl.asLong() > MAX_LEASE_SECONDS) {
      throw Problem.badRequest("ttlSeconds must be a whole number from 1 to " + MAX_LEASE_SECONDS);
    }
    return ttl.asLong() * 1000;
  }

  static String text(JsonNode body, String field) throws Problem {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual()) {
      throw Problem.badRequest("the body needs a string \"" + field + "\"");
    }
    return value.asText();
  }

  private static boolean isBasic(Exchange x) {
    @Nullable String header = x.header("Authorization");
    return header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
  }
}
