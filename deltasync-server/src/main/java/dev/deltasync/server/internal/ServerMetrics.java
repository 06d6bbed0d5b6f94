package dev.deltasync.server.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;

/** The server's metrics, for Prometheus at {@code GET /metrics}. */
final class ServerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  final Counter requests =
      Counter.builder()
          .name("deltasync_http_requests_total")
          .help("HTTP requests by route template, method and status")
          .labelNames("route", "method", "status")
          .register(registry);
  final Histogram duration =
      Histogram.builder()
          .name("deltasync_http_request_duration_seconds")
          .help("time to answer an HTTP request, by route template")
          .unit(Unit.SECONDS)
          .labelNames("route")
          .register(registry);
  final Counter bytesIn =
      Counter.builder()
          .name("deltasync_http_received_bytes_total")
          .help("request body bytes received")
          .register(registry);
  final Counter bytesOut =
      Counter.builder()
          .name("deltasync_http_sent_bytes_total")
          .help("response body bytes sent")
          .register(registry);
  final Counter appends =
      Counter.builder()
          .name("deltasync_appends_total")
          .help("change log appends by outcome (appended, duplicate, head_moved, fenced, invalid)")
          .labelNames("outcome")
          .register(registry);
  final Counter leaseWaits =
      Counter.builder()
          .name("deltasync_lease_waits_total")
          .help("lease requests refused because another device held the lease")
          .register(registry);
  final Counter errors =
      Counter.builder()
          .name("deltasync_errors_total")
          .help("error answers by problem type")
          .labelNames("type")
          .register(registry);
  final Gauge watchers =
      Gauge.builder()
          .name("deltasync_event_watchers")
          .help("devices connected to the push channel")
          .register(registry);

  void write(OutputStream out) throws IOException {
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
  }
}
