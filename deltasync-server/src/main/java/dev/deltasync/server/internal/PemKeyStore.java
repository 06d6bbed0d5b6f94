package dev.deltasync.server.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A key store made from PEM files: a certificate chain and its PKCS#8 private key (RSA or EC). */
final class PemKeyStore {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private PemKeyStore() {}

  static KeyStore load(Path certFile, Path keyFile, char[] password) throws IOException {
    try {
      List<? extends Certificate> chain;
      try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(certFile))) {
        chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      }
      if (chain.isEmpty()) {
        throw new IOException(certFile + " holds no PEM certificate");
      }
      Matcher m = KEY.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
      if (!m.find()) {
        throw new IOException(
            keyFile
                + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----); convert it with"
                + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`");
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(1));
      PrivateKey key = null;
      for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
        try {
          key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          break;
        } catch (GeneralSecurityException e) {
          // try the next algorithm
        }
      }
      if (key == null) {
        throw new IOException(keyFile + " holds a private key that is not RSA, EC or Ed25519");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("deltasync", key, password, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load the TLS certificate or key: " + e.getMessage(), e);
    }
  }
}
