package dev.deltasync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain http URLs go through a client whose TLS context trusts no one (it is never used); https
 * URLs through one with the JVM's default TLS context, made on first use.
 */
class TransportTlsTest {
  private static final String PASSWORD = "test-password";

  @Test
  void anHttpsUrlIsCheckedWithTheDefaultTlsContextMadeOnFirstUse(@TempDir Path dir)
      throws Exception {
    KeyStore keys = selfSignedKeyStore(dir);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keys)));
    server.createContext(
        "/v1/x",
        exchange -> {
          byte[] body = "{\"head\":7}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    SSLContext before = SSLContext.getDefault();
    try {
      URI url = URI.create("https://localhost:" + server.getAddress().getPort());
      Call call = Call.get(Urls.resolve(url, "/v1/x"), "read x");
      // The JVM's default does not trust this certificate: the call is refused by it.
      try (Transport transport = transport(url)) {
        assertThatThrownBy(() -> head(transport, call))
            .isInstanceOf(IOException.class)
            .satisfies(e -> assertThat(causes(e)).noneMatch(m -> m.contains("plain http")));
      }
      // A default that trusts it, set after the transport was made but before its first https
      // call, is the one used: the TLS client is made on first use.
      try (Transport transport = transport(url)) {
        SSLContext.setDefault(trusting(keys));
        assertThat(head(transport, call)).isEqualTo(7);
      }
    } finally {
      SSLContext.setDefault(before);
      server.stop(0);
    }
  }

  @Test
  void theContextOfThePlainClientTrustsNoCertificate() {
    NoTls.TrustsNoOne trust = new NoTls.TrustsNoOne();
    X509Certificate[] none = new X509Certificate[0];
    assertThatThrownBy(() -> trust.checkServerTrusted(none, "RSA"))
        .hasMessageContaining("no certificate is trusted");
    assertThatThrownBy(() -> trust.checkClientTrusted(none, "RSA"))
        .hasMessageContaining("no certificate is trusted");
    assertThat(trust.getAcceptedIssuers()).isEmpty();
    assertThat(NoTls.context().getProtocol()).isEqualTo("TLS");
  }

  private static Transport transport(URI url) {
    return new Transport(
        ClientOptions.of(url)
            .withRetry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10))));
  }

  private static long head(Transport transport, Call call) throws IOException {
    return transport.call(call, response -> Json.number(response.json(), "head"));
  }

  private static List<String> causes(Throwable e) {
    List<String> messages = new java.util.ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }

  /** A key store with a self-signed certificate for localhost, made by the JDK's keytool. */
  private static KeyStore selfSignedKeyStore(Path dir) throws Exception {
    Path file = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    return keys;
  }

  private static SSLContext serverContext(KeyStore keys) throws Exception {
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext trusting(KeyStore keys) throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
