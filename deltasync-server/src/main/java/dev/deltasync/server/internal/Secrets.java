package dev.deltasync.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random tokens and the secret files of a data directory. Every token has 256 bits from {@link
 * SecureRandom}; the server keeps only SHA-256 hashes of device tokens (a token of 256 random bits
 * needs no slow hash), and compares in constant time.
 */
final class Secrets {
  static final String ADMIN_PREFIX = "dsa_";
  static final String DEVICE_PREFIX = "dsd_";
  static final String ACCESS_PREFIX = "dst_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private Secrets() {}

  static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** A new token: the prefix and 256 random bits in base64url. */
  static String newToken(String prefix) {
    return prefix + BASE64URL.encodeToString(randomBytes(32));
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Reads the secret in {@code file}, or creates it (mode 0600, before anything is written to it)
   * with {@code fresh} when it does not exist. Two processes starting at once agree on one secret.
   *
   * @return the secret, and whether this call created it
   */
  static Created readOrCreate(Path file, String fresh) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      String existing = waitForContent(file);
      return new Created(existing, false);
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(
        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temp, fresh + "\n", StandardOpenOption.WRITE);
    try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return new Created(fresh, true);
  }

  private static String waitForContent(Path file) throws IOException {
    for (int i = 0; i < 100; i++) {
      String content = Files.readString(file).strip();
      if (!content.isEmpty()) {
        return content;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IOException(
        file + " is empty; delete it and restart the server to create a new secret");
  }

  /** A secret read or created. */
  record Created(String secret, boolean created) {}
}
