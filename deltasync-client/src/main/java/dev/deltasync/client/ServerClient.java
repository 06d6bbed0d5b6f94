package dev.deltasync.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.client.internal.AccessTokenCache;
import dev.deltasync.client.internal.Call;
import dev.deltasync.client.internal.Credentials;
import dev.deltasync.client.internal.EventStream;
import dev.deltasync.client.internal.Json;
import dev.deltasync.client.internal.Transport;
import dev.deltasync.client.internal.Urls;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The management calls of a deltasync server (docs/protocol.md): users, devices, access tokens,
 * heads, leases and the push channel. {@link HttpLogStore#open} gives the storage calls.
 *
 * <p>One instance holds one HTTP client, whose connections are pooled and reused by every call, the
 * push channel and the stores opened on it; {@link #close()} ends them all. Thread-safe.
 *
 * <p>Every method that talks to the server throws {@link IOException}: {@link
 * AuthenticationException} when the credentials are refused, {@link ServerException} (and its
 * subclasses) for other refusals, {@link ServerUnreachableException} when no connection could be
 * made after the retries, and plain {@link IOException} for a connection that failed later. Their
 * messages never contain a token or password.
 */
public final class ServerClient implements AutoCloseable {
  private final ClientOptions options;
  private final Transport transport;
  private final @Nullable Credentials device;
  private final @Nullable AccessTokenCache accessTokens;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

  private ServerClient(ClientOptions options) {
    this.options = options;
    this.transport = new Transport(options);
    String token = options.deviceToken();
    this.device = token == null ? null : Credentials.bearer(token);
    this.accessTokens =
        device == null
            ? null
            : new AccessTokenCache(transport, uri("/v1/access-tokens"), device, System::nanoTime);
  }

  /** A client for the server in {@code options}. Makes no request yet. */
  public static ServerClient connect(ClientOptions options) {
    return new ServerClient(options);
  }

  public ClientOptions options() {
    return options;
  }

  /**
   * Creates a user ({@code POST /v1/users}), as the server's admin.
   *
   * @param adminToken the server's admin token (in {@code DATA/admin-token} on the server)
   * @param name 1 to 64 of {@code a-z 0-9 . _ -}, starting with a letter or digit
   * @param password 8 to 1024 characters
   * @throws ServerException type {@code user-exists} when the name is taken
   */
  public void createUser(String adminToken, String name, String password) throws IOException {
    ClientOptions.checkToken(adminToken, "the admin token");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("password", password);
    transport.send(
        Call.post(uri("/v1/users"), "create user \"" + name + "\"")
            .auth(Credentials.bearer(adminToken))
            .json(body),
        response -> {});
  }

  /**
   * Registers a device of {@code user} ({@code POST /v1/devices}) and returns its token. Not
   * repeated after a lost answer: a retry could register the device twice.
   *
   * @throws AuthenticationException when the user name or password is wrong
   * @throws ServerException type {@code device-exists} when the user has a device of that name
   */
  public DeviceRegistration registerDevice(String user, String password, String deviceName)
      throws IOException {
    return transport.call(
        Call.post(uri("/v1/devices"), "register device \"" + deviceName + "\"")
            .auth(Credentials.basic(user, password))
            .json(Map.of("name", deviceName)),
        response -> {
          JsonNode answer = response.json();
          return new DeviceRegistration(
              Json.text(answer, "user"),
              Json.text(answer, "device"),
              Json.text(answer, "token"),
              storageUri(Json.text(answer, "storage")));
        });
  }

  /**
   * Revokes a device of {@code user} ({@code DELETE /v1/devices/{name}}), with the user's password:
   * for a lost device. Its token stops working at once, access tokens included.
   *
   * @throws ServerException status 404 when the user has no such device that is not revoked
   */
  public void revokeDevice(String user, String password, String deviceName) throws IOException {
    transport.send(
        Call.delete(
                uri("/v1/devices/" + Urls.segment(deviceName)),
                "revoke device \"" + deviceName + "\"")
            .auth(Credentials.basic(user, password)),
        response -> {});
  }

  /**
   * A short-lived access token for the storage role, fetched with the device token and cached until
   * shortly before it expires.
   */
  public String accessToken() throws IOException {
    return tokens().token();
  }

  /** This device's user and name, and where the user's data lives ({@code GET /v1/location}). */
  public Location location() throws IOException {
    return transport.call(
        Call.get(uri("/v1/location"), "ask the server where this device's data lives")
            .auth(device()),
        response -> {
          JsonNode answer = response.json();
          return new Location(
              Json.text(answer, "user"),
              Json.text(answer, "device"),
              storageUri(Json.text(answer, "storage")));
        });
  }

  /**
   * The head of every collection of this device's user ({@code GET /v1/heads}), sorted by name: a
   * device compares them with its cursors to know what to sync.
   */
  public Map<String, Long> heads() throws IOException {
    return transport.call(
        Call.get(uri("/v1/heads"), "read the heads of the collections").auth(device()),
        response -> {
          JsonNode heads = Json.object(response.json(), "heads");
          Map<String, Long> map = new TreeMap<>();
          for (Map.Entry<String, JsonNode> entry : heads.properties()) {
            if (!entry.getValue().isIntegralNumber()) {
              throw new ServerException(
                  "the server's heads are not whole numbers; is the server a newer version?",
                  200,
                  "");
            }
            map.put(entry.getKey(), entry.getValue().asLong());
          }
          return Collections.unmodifiableMap(map);
        });
  }

  /**
   * Takes the lease on {@code collection} for {@code ttl} (1 s to 1 h, rounded up to whole
   * seconds). A device that holds the lease already gets a new one, with a new fencing number.
   *
   * @throws LeaseHeldException when another device holds it
   */
  public Lease acquireLease(String collection, Duration ttl) throws IOException {
    return transport.call(
        Call.post(
                uri("/v1/collections/" + Urls.segment(collection) + "/lease"),
                "take the lease on collection \"" + collection + "\"")
            .auth(device())
            .json(Map.of("ttlSeconds", ttlSeconds(ttl)))
            .idempotent(), // the same device asking again simply gets a new lease
        response -> lease(response.json()));
  }

  /**
   * Extends a lease by {@code ttl} from now.
   *
   * @throws LeaseLostException when it has expired or was replaced
   */
  public Lease renewLease(Lease lease, Duration ttl) throws IOException {
    return transport.call(
        Call.put(leaseUri(lease), "renew the lease on collection \"" + lease.collection() + "\"")
            .auth(device())
            .json(Map.of("ttlSeconds", ttlSeconds(ttl))),
        response -> lease(response.json()));
  }

  /**
   * Ends a lease. A lease that has ended already (expired, replaced, released) counts as released.
   */
  public void releaseLease(Lease lease) throws IOException {
    transport.send(
        Call.delete(
                leaseUri(lease), "release the lease on collection \"" + lease.collection() + "\"")
            .auth(device())
            .accept(404),
        response -> {});
  }

  /**
   * Listens for new logs of this device's user on the push channel ({@code GET /v1/events}) until
   * the subscription is closed, reconnecting with backoff when the connection breaks off. Returns
   * at once; the listener hears {@link HeadListener#heads} as soon as the channel is up.
   */
  public Subscription subscribe(HeadListener listener) {
    Subscription subscription = EventStream.start(transport, uri("/v1/events"), device(), listener);
    subscriptions.add(subscription);
    return subscription;
  }

  /** Ends the HTTP client: its subscriptions, open connections and running calls. */
  @Override
  public void close() {
    for (Subscription subscription : subscriptions) {
      subscription.close();
    }
    subscriptions.clear();
    transport.close();
  }

  // ---- for HttpLogStore ----

  Transport transport() {
    return transport;
  }

  AccessTokenCache tokens() {
    if (accessTokens == null) {
      throw noDevice();
    }
    return accessTokens;
  }

  private Credentials device() {
    if (device == null) {
      throw noDevice();
    }
    return device;
  }

  private static IllegalStateException noDevice() {
    return new IllegalStateException(
        "this client has no device token: register the device (registerDevice) and connect with"
            + " ClientOptions.withDeviceToken");
  }

  private URI uri(String rawPath) {
    return Urls.resolve(options.server(), rawPath);
  }

  private URI leaseUri(Lease lease) {
    return uri(
        "/v1/collections/"
            + Urls.segment(lease.collection())
            + "/lease/"
            + Urls.segment(lease.id()));
  }

  private static long ttlSeconds(Duration ttl) {
    long millis = ttl.toMillis();
    long seconds = (millis + 999) / 1000;
    if (seconds < 1 || seconds > 3600) {
      throw new IllegalArgumentException("a lease lasts 1 s to 1 h, not " + ttl);
    }
    return seconds;
  }

  private static Lease lease(JsonNode answer) throws IOException {
    return new Lease(
        Json.text(answer, "collection"),
        Json.text(answer, "lease"),
        Json.number(answer, "fencing"),
        Json.number(answer, "expiresMillis"));
  }

  /** The storage URL the server names, checked like the server URL of the options. */
  static URI storageUri(String url) throws IOException {
    try {
      return ClientOptions.of(url).server();
    } catch (IllegalArgumentException e) {
      throw new ServerException(
          "the server names a storage URL that is not valid: " + e.getMessage(), 200, "");
    }
  }
}
