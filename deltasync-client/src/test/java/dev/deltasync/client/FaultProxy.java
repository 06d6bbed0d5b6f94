package dev.deltasync.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a server, which injects faults on request: refuse the next
 * connections (accept and close them at once), cut a connection once the requests have carried a
 * number of bytes, or swallow the next answer and close its connection.
 */
final class FaultProxy implements AutoCloseable {
  private final ServerSocket listener;
  private volatile int targetPort;
  private final AtomicInteger refuse = new AtomicInteger();
  private final AtomicLong cutRequestsAt = new AtomicLong(-1);
  private final AtomicBoolean swallowAnswer = new AtomicBoolean();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicLong requestBytes = new AtomicLong();
  final AtomicInteger faults = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  FaultProxy() throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("fault-proxy").start(this::accept);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Where to forward connections. */
  void forwardTo(int port) {
    this.targetPort = port;
  }

  /** Accepts the next {@code n} connections and closes them without a word. */
  void refuseNext(int n) {
    refuse.set(n);
  }

  /** Once the requests (of all connections) have carried {@code bytes} more, cuts that one. */
  void cutRequestsAfter(long bytes) {
    cutRequestsAt.set(requestBytes.get() + bytes);
  }

  /** Drops the next answer the server sends and closes its connection. */
  void swallowNextAnswer() {
    swallowAnswer.set(true);
  }

  /** Cuts every connection now open (both sides). */
  void cutAll() {
    faults.incrementAndGet();
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        faults.incrementAndGet();
        closeQuietly(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
      } catch (IOException e) {
        closeQuietly(client);
        continue;
      }
      open.add(client);
      open.add(server);
      Thread.ofPlatform().daemon().start(() -> pump(client, server, true));
      Thread.ofPlatform().daemon().start(() -> pump(server, client, false));
    }
  }

  private void pump(Socket from, Socket to, boolean request) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (request) {
          long before = requestBytes.getAndAdd(n);
          long cut = cutRequestsAt.get();
          if (cut >= 0 && before + n >= cut && cutRequestsAt.compareAndSet(cut, -1)) {
            out.write(buffer, 0, (int) Math.max(0, cut - before));
            out.flush();
            faults.incrementAndGet();
            break;
          }
        } else if (swallowAnswer.compareAndSet(true, false)) {
          faults.incrementAndGet();
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }
}
