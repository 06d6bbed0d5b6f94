package dev.deltasync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltasync.client.AuthenticationException;
import dev.deltasync.client.HeadListener;
import dev.deltasync.client.Subscription;
import dev.deltasync.engine.store.StoreException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The push channel: server-sent events from {@code GET /v1/events} ({@code heads} on connect,
 * {@code head} for each new log, comments as keep-alives), read on a virtual thread and handed to a
 * {@link HeadListener}; a {@code head} event that is not newer than what was heard already (the
 * server may repeat a change the {@code heads} event included) is not passed on. When the stream
 * breaks off, or nothing (not even a keep-alive) has arrived for the idle timeout, it reconnects
 * after a growing pause with jitter; the pause starts small again after each successful connection.
 * A refused device token ends the subscription.
 */
public final class EventStream implements Subscription {
  private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
  private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  private final Transport transport;
  private final URI uri;
  private final Credentials device;
  private final HeadListener listener;
  private final Duration idleTimeout;
  private final Object delivery = new Object();

  /** The newest head heard of each collection, so that only real changes are passed on. */
  private final Map<String, Long> known = new HashMap<>();

  private volatile boolean closed;
  private volatile boolean connected;
  private volatile boolean listening;
  private volatile long lastHeardNanos = System.nanoTime();
  private final Thread reader;
  private final Thread watchdog;

  private EventStream(
      Transport transport, URI uri, Credentials device, HeadListener listener, Duration idle) {
    this.transport = transport;
    this.uri = uri;
    this.device = device;
    this.listener = listener;
    this.idleTimeout = idle;
    this.reader = Thread.ofVirtual().name("deltasync-events").unstarted(this::run);
    this.watchdog = Thread.ofVirtual().name("deltasync-events-watchdog").unstarted(this::watch);
  }

  /** Starts listening; returns at once. */
  public static EventStream start(
      Transport transport, URI uri, Credentials device, HeadListener listener) {
    EventStream stream =
        new EventStream(transport, uri, device, listener, transport.options().eventsIdleTimeout());
    stream.reader.start();
    stream.watchdog.start();
    return stream;
  }

  @Override
  public boolean connected() {
    return connected;
  }

  @Override
  public void close() {
    synchronized (delivery) {
      closed = true;
    }
    for (Thread thread : new Thread[] {reader, watchdog}) {
      if (thread != Thread.currentThread()) {
        thread.interrupt();
      }
    }
  }

  private void run() {
    int failures = 0;
    while (!closed && !transport.isClosed()) {
      IOException cause;
      try {
        listen();
        cause = new EOFException("the server ended the event stream");
      } catch (AuthenticationException e) {
        connected = false;
        deliver(() -> listener.disconnected(e, false));
        closed = true;
        return;
      } catch (IOException e) {
        cause = e;
      }
      if (connected) {
        failures = 0;
      }
      connected = false;
      if (closed || transport.isClosed()) {
        return;
      }
      Thread.interrupted(); // the watchdog's interrupt, if it was that
      IOException reported = cause;
      deliver(() -> listener.disconnected(reported, true));
      failures++;
      try {
        Thread.sleep(transport.backoff().delay(failures));
      } catch (InterruptedException e) {
        // closed, or the watchdog: the loop condition tells
      }
    }
  }

  private void listen() throws IOException {
    lastHeardNanos = System.nanoTime();
    Call call =
        Call.get(uri, "listen for new logs")
            .auth(device)
            .header("Accept", "text/event-stream")
            .noRetries()
            .noTimeout();
    listening = true;
    try {
      transport.send(call, response -> read(response.body()));
    } finally {
      listening = false;
    }
  }

  /** Reads events until the stream ends. */
  private void read(InputStream body) throws IOException {
    InputStream in = new BufferedInputStream(body, 8192);
    String event = "";
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    while (!closed) {
      String line = readLine(in);
      if (line == null) {
        return;
      }
      lastHeardNanos = System.nanoTime();
      if (line.isEmpty()) {
        if (hasData) {
          dispatch(event.isEmpty() ? "message" : event, data.toString());
        }
        event = "";
        data.setLength(0);
        hasData = false;
        continue;
      }
      if (line.startsWith(":")) {
        continue; // a comment: the keep-alive
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> event = value;
        case "data" -> {
          if (hasData) {
            data.append('\n');
          }
          data.append(value);
          hasData = true;
        }
        default -> {
          // id, retry and unknown fields: not used
        }
      }
    }
  }

  private void dispatch(String event, String data) throws IOException {
    switch (event) {
      case "heads" -> {
        JsonNode heads = Json.object(Json.object(data.getBytes(StandardCharsets.UTF_8)), "heads");
        Map<String, Long> map = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : heads.properties()) {
          if (!entry.getValue().canConvertToLong()) {
            throw new StoreException("the server sent a heads event that is not valid");
          }
          map.put(entry.getKey(), entry.getValue().asLong());
        }
        connected = true;
        known.clear();
        known.putAll(map);
        Map<String, Long> all = Collections.unmodifiableMap(map);
        deliver(() -> listener.heads(all));
      }
      case "head" -> {
        JsonNode change = Json.object(data.getBytes(StandardCharsets.UTF_8));
        String collection = Json.text(change, "collection");
        long head = Json.number(change, "head");
        Long before = known.get(collection);
        if (before == null || head > before) {
          known.put(collection, head);
          deliver(() -> listener.headChanged(collection, head));
        }
      }
      default -> {
        // an event this client does not know: newer servers may send more
      }
    }
  }

  private void deliver(Runnable call) {
    synchronized (delivery) {
      if (closed) {
        return;
      }
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a head listener failed; the channel goes on", e);
      }
    }
  }

  /** One line without its end (LF, CRLF or CR), or null at the end of the stream. */
  private static @Nullable String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null; // an unfinished line at the end is dropped, as the SSE rules say
      }
      if (b == '\n') {
        break;
      }
      if (b == '\r') {
        in.mark(1);
        if (in.read() != '\n') {
          in.reset();
        }
        break;
      }
      if (line.size() >= MAX_LINE_BYTES) {
        throw new StoreException("the server sent an event line of more than 16 MiB");
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Interrupts a reader that has heard nothing for the idle timeout, so that it reconnects. */
  private void watch() {
    long idle = idleTimeout.toNanos();
    Duration period = idleTimeout.dividedBy(4);
    while (!closed) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        continue; // closed, most likely: the loop condition tells
      }
      if (listening && System.nanoTime() - lastHeardNanos > idle) {
        lastHeardNanos = System.nanoTime();
        reader.interrupt();
      }
    }
  }
}
