package dev.deltasync.server.backend;

import com.google.protobuf.ByteString;
import java.io.Closeable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Users, devices, collections with their sequences, leases and the chunk index: everything of the
 * server that is not bulk bytes.
 *
 * <p>Contract: thread-safe; several server processes may share one backend, so every decision that
 * must be atomic (a compare-and-set append, a lease grant) is made inside the backend, never by
 * reading and then writing from the caller. A method returns only when its writes are durable. All
 * methods throw {@link BackendException} for failures underneath; refusals are results. Every
 * lookup is scoped by user id: no method lets one user reach another's data.
 */
public interface MetadataBackend extends Closeable {
  // ---- users and devices ----

  /**
   * Creates a user.
   *
   * @throws BackendException.NameTaken when the name exists
   */
  UserRecord createUser(String name, String passwordHash) throws BackendException;

  Optional<UserRecord> user(String name) throws BackendException;

  Optional<UserRecord> user(long userId) throws BackendException;

  /**
   * Registers a device with the hash of its token.
   *
   * @throws BackendException.NameTaken when the user has a valid device of that name
   */
  DeviceRecord createDevice(long userId, String name, byte[] tokenHash, long nowMillis)
      throws BackendException;

  /** The device whose token has this hash, revoked or not. */
  Optional<DeviceRecord> deviceByTokenHash(byte[] tokenHash) throws BackendException;

  Optional<DeviceRecord> device(long deviceId) throws BackendException;

  /** The user's devices, revoked ones included, in registration order. */
  List<DeviceRecord> devices(long userId) throws BackendException;

  /** Records that the device was seen (at most once a minute is enough). */
  void touchDevice(long deviceId, long nowMillis) throws BackendException;

  /**
   * Revokes the user's valid device of that name, with immediate effect on every server process.
   *
   * @return false when the user has no valid device of that name
   */
  boolean revokeDevice(long userId, String name, long nowMillis) throws BackendException;

  // ---- collections and logs ----

  /** The collection's head; 0 when it has no logs. */
  long head(long userId, String collection) throws BackendException;

  /** The head of every collection of the user that has at least one log. */
  Map<String, Long> heads(long userId) throws BackendException;

  /**
   * Appends a log at the expected head (compare-and-set), idempotent by log id, after the lease
   * check: when a valid lease exists on the collection, only its holder appends (with the lease's
   * fencing number or without one); a fencing number that is not the valid lease's, or that another
   * device presents, is refused. When this returns {@link AppendOutcome.Appended}, the log is
   * durable and visible to readers.
   */
  AppendOutcome append(AppendRequest request) throws BackendException;

  /** The collection's logs with a sequence above {@code after}, in order, at most {@code max}. */
  List<LogRecord> logs(long userId, String collection, long after, int max) throws BackendException;

  Optional<LogRecord> log(long userId, String collection, long sequence) throws BackendException;

  /**
   * Head changes after {@code version} in the feed, in order, at most {@code max}: how server
   * processes learn of appends made by others, for the push channel.
   */
  List<HeadChange> headChanges(long afterVersion, int max) throws BackendException;

  /** The newest version in the head-change feed. */
  long headVersion() throws BackendException;

  // ---- leases ----

  /**
   * Grants a lease on the collection to the device, unless another device holds a valid one. A
   * device that holds the valid lease gets a new one (with a new fencing number).
   */
  LeaseOutcome acquireLease(
      long userId, String collection, long deviceId, long ttlMillis, long nowMillis)
      throws BackendException;

  /**
   * Extends the lease when it is still the collection's current, valid lease and {@code deviceId}
   * holds it; otherwise changes nothing.
   */
  LeaseOutcome renewLease(
      long userId, String collection, String leaseId, long deviceId, long ttlMillis, long nowMillis)
      throws BackendException;

  /**
   * Ends the lease when it is the collection's current one and {@code deviceId} holds it; false
   * otherwise.
   */
  boolean releaseLease(long userId, String collection, String leaseId, long deviceId)
      throws BackendException;

  // ---- content ----

  /** The ids among {@code ids} that no pack of the user holds. */
  Set<ByteString> missingChunks(long userId, Collection<ByteString> ids) throws BackendException;

  /** Where the user's chunks are; ids not held are left out. */
  List<ChunkLocation> locateChunks(long userId, Collection<ByteString> ids) throws BackendException;

  /**
   * Records a verified pack, whose bytes are durable in the blob store, and indexes its chunks
   * (chunks indexed already keep their first location).
   *
   * @return how many of its chunks were new to the user
   */
  int addPack(long userId, PackRecord pack, List<ChunkLocation> chunks) throws BackendException;

  Optional<PackRecord> pack(long userId, String pack) throws BackendException;

  // ---- resumable uploads ----

  /** Records an upload in progress and the blob-store staging key its bytes go to. */
  void createUpload(long userId, String upload, String stagingKey, long nowMillis)
      throws BackendException;

  /** The staging key of the user's upload in progress. */
  Optional<String> upload(long userId, String upload) throws BackendException;

  void deleteUpload(long userId, String upload) throws BackendException;

  /** An upload in progress, as the janitor sees it. */
  record StaleUpload(long userId, String upload, String stagingKey) {}

  /** Up to {@code max} uploads started before {@code createdBeforeMillis} and never finished. */
  List<StaleUpload> uploadsStartedBefore(long createdBeforeMillis, int max) throws BackendException;

  // ---- snapshots ----

  /**
   * Records a snapshot; one of the same collection and sequence is replaced.
   *
   * @return the blob of the snapshot it replaced, which nothing references any more
   */
  Optional<String> putSnapshot(long userId, String collection, SnapshotRecord snapshot)
      throws BackendException;

  /**
   * Forgets every snapshot of a collection but its {@code keep} newest, up to {@code max} of them.
   *
   * @return the blobs of the snapshots forgotten, which nothing references any more
   */
  List<String> pruneSnapshots(int keep, int max) throws BackendException;

  /** The snapshot of the collection with the highest sequence. */
  Optional<SnapshotRecord> latestSnapshot(long userId, String collection) throws BackendException;
}
