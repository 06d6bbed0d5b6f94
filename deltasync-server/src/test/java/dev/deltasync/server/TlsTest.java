package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with PEM files (a self-signed certificate for 127.0.0.1 and localhost, its PKCS#8 key):
 * HTTP/2 by ALPN for clients that offer it, HTTP/1.1 for the others, and the whole protocol works
 * over it.
 */
class TlsTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir static Path data;
  @TempDir static Path pem;
  private static X509Certificate certificate;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=deltasync test");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            name,
            keys.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
    certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    Path cert = pem.resolve("cert.pem");
    Path key = pem.resolve("key.pem");
    Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));

    server = TestServer.start(TestServer.options(data).withTls(cert, key));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static HttpClient client(HttpClient.Version version) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("server", certificate);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).version(version).build();
  }

  @Test
  void theServerSpeaksHttpsAndOffersHttp2ByAlpn() throws Exception {
    assertThat(server.url()).startsWith("https://127.0.0.1:");
    HttpResponse<String> h2 =
        client(HttpClient.Version.HTTP_2)
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(h2.statusCode()).isEqualTo(200);
    assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);

    HttpResponse<String> http1 =
        client(HttpClient.Version.HTTP_1_1)
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(http1.statusCode()).isEqualTo(200);
    assertThat(http1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test
  void aHostNameInTheCertificateWorksToo() throws Exception {
    HttpResponse<String> reply =
        client(HttpClient.Version.HTTP_2)
            .send(
                HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.server.port() + "/v1/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
  }

  @Test
  void theWholeProtocolWorksOverHttp2() throws Exception {
    Http http = new Http(server.url(), client(HttpClient.Version.HTTP_2));
    assertThat(
            http.post("/v1/users")
                .bearer(server.admin)
                .json("{\"name\":\"alice\",\"password\":\"" + PASSWORD + "\"}")
                .send()
                .status())
        .isEqualTo(201);
    Http.Reply device =
        http.post("/v1/devices").basic("alice", PASSWORD).json("{\"name\":\"laptop\"}").send();
    assertThat(device.status()).isEqualTo(201);
    assertThat(device.json().get("storage").asText()).isEqualTo(server.url());
    Http.Reply token =
        http.post("/v1/access-tokens")
            .bearer(device.json().get("token").asText())
            .json("{}")
            .send();
    String access = token.json().get("token").asText();
    byte[] log = TestLogs.log("alice", "docs", TestLogs.logId(1, 1));

    Http.Reply appended =
        http.post("/v1/collections/docs/logs?expectedHead=0")
            .bearer(access)
            .body(log, "application/vnd.deltasync.changelog")
            .send();
    assertThat(appended.status()).isEqualTo(201);
    assertThat(http.get("/v1/collections/docs/logs/1").bearer(access).send().body()).isEqualTo(log);
    Http.Reply problem = http.get("/v1/collections/docs/logs/2").bearer(access).send();
    assertThat(problem.status()).isEqualTo(404);
    assertThat(problem.contentType()).isEqualTo(Http.PROBLEM_TYPE);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
    HttpClient untrusting = HttpClient.newHttpClient();
    try {
      untrusting.send(
          HttpRequest.newBuilder(URI.create(server.url() + "/v1/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      throw new AssertionError("an untrusted certificate was accepted");
    } catch (SSLHandshakeException expected) {
      assertThat(expected).hasMessageContaining("certification path");
    }
  }
}
