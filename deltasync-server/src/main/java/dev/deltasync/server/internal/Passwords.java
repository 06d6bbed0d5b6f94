package dev.deltasync.server.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes with Argon2id (RFC 9106) in the PHC string form {@code
 * $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}: 19 MiB of memory and 2 passes, the OWASP
 * recommendation. The parameters live in each hash, so they can be raised later without breaking
 * old hashes.
 */
final class Passwords {
  private static final int MEMORY_KIB = 19 * 1024;
  private static final int ITERATIONS = 2;
  private static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private Passwords() {}

  static String hash(String password) {
    byte[] salt = Secrets.randomBytes(SALT_BYTES);
    byte[] hash = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m="
        + MEMORY_KIB
        + ",t="
        + ITERATIONS
        + ",p="
        + PARALLELISM
        + "$"
        + ENCODER.encodeToString(salt)
        + "$"
        + ENCODER.encodeToString(hash);
  }

  /** Whether {@code password} matches {@code phc}; false for a malformed hash. */
  static boolean matches(String password, String phc) {
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      return false;
    }
    byte[] expected = DECODER.decode(m.group(5));
    byte[] actual =
        argon2(
            password,
            DECODER.decode(m.group(4)),
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] argon2(
      String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
