package dev.deltasync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push channel against a real server, reached through a proxy that can cut its connection. (One
 * server for the class: a server with a watcher connected takes its full stop timeout to stop.)
 */
class PushChannelTest {
  @TempDir static Path data;
  static FaultProxy proxy;
  static TestServer server;

  String user;
  BlockingQueue<String> heard;

  @BeforeAll
  static void start() throws IOException {
    proxy = new FaultProxy();
    server = TestServer.start(data);
    proxy.forwardTo(server.port());
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
    server.close();
  }

  @BeforeEach
  void user() throws IOException {
    user = server.newUser();
    heard = new LinkedBlockingQueue<>();
  }

  /** A device whose management calls and push channel go through the proxy. */
  private ServerClient watcher(String device) throws IOException {
    return server.device(user, device, TestServer.options(proxy.url()));
  }

  @Test
  void theSubscriberHearsOfNewLogsWithinASecond() throws Exception {
    try (ServerClient laptop = server.device(user, "laptop");
        ServerClient phone = watcher("phone");
        HttpLogStore store = HttpLogStore.open(laptop)) {
      store.append("docs", 0, TestLogs.log(user, "docs"));
      try (Subscription subscription = phone.subscribe(new ServerClientTest.Recorder(heard))) {
        assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("heads {docs=1}");
        assertThat(subscription.connected()).isTrue();
        store.append("docs", 1, TestLogs.log(user, "docs"));
        store.append("a/b c", 0, TestLogs.log(user, "a/b c"));
        assertThat(heard.poll(1, TimeUnit.SECONDS)).isEqualTo("head docs=2");
        assertThat(heard.poll(1, TimeUnit.SECONDS)).isEqualTo("head a/b c=1");
      }
      store.append("docs", 2, TestLogs.log(user, "docs"));
      assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("nothing after close").isNull();
    }
  }

  @Test
  void aBrokenChannelReconnectsAndCatchesUpWithTheHeads() throws Exception {
    try (ServerClient laptop = server.device(user, "laptop");
        ServerClient phone = watcher("phone");
        HttpLogStore store = HttpLogStore.open(laptop);
        Subscription subscription = phone.subscribe(new ServerClientTest.Recorder(heard))) {
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("heads {}");
      store.append("docs", 0, TestLogs.log(user, "docs"));
      assertThat(heard.poll(2, TimeUnit.SECONDS)).isEqualTo("head docs=1");

      proxy.refuseNext(Integer.MAX_VALUE); // reconnecting fails until told otherwise
      proxy.cutAll();
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("disconnected true");
      store.append("docs", 1, TestLogs.log(user, "docs")); // while the channel is down
      proxy.refuseNext(0);
      String next;
      do { // each refused attempt to reconnect is heard too
        next = heard.poll(5, TimeUnit.SECONDS);
      } while ("disconnected true".equals(next));
      assertThat(next).isEqualTo("heads {docs=2}");
      assertThat(subscription.connected()).isTrue();

      store.append("docs", 2, TestLogs.log(user, "docs"));
      assertThat(heard.poll(2, TimeUnit.SECONDS)).isEqualTo("head docs=3");
    }
  }

  @Test
  void aRevokedDeviceEndsItsSubscription() throws Exception {
    try (ServerClient phone = watcher("phone");
        Subscription subscription = phone.subscribe(new ServerClientTest.Recorder(heard))) {
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("heads {}");
      try (ServerClient anonymous = ServerClient.connect(server.options())) {
        anonymous.revokeDevice(user, TestServer.PASSWORD, "phone");
      }
      proxy.cutAll();
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("disconnected true");
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("disconnected false");
      assertThat(subscription.connected()).isFalse();
    }
  }
}
