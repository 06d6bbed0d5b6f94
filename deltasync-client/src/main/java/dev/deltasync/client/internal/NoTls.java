package dev.deltasync.client.internal;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS context for the client of plain {@code http://} URLs, which never makes a TLS connection:
 * {@link java.net.http.HttpClient} wants one, and its default loads the trusted certificates, a
 * large part of a short command's start. It trusts no one, so a TLS connection through it would
 * fail rather than go unchecked.
 */
final class NoTls {
  private NoTls() {}

  static SSLContext context() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[] {new TrustsNoOne()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java has no TLS: " + e.getMessage(), e);
    }
  }

  /** Refuses every certificate. */
  static final class TrustsNoOne implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("plain http: no certificate is trusted");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("plain http: no certificate is trusted");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
