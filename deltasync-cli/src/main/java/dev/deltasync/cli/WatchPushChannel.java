package dev.deltasync.cli;

import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.HeadListener;
import dev.deltasync.client.ServerClient;
import dev.deltasync.client.Subscription;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The server's push channel as a trigger: a head newer than a collection's cursor makes it due. The
 * channel reconnects by itself after a growing pause; each reconnect brings every head again, so
 * nothing appended meanwhile is missed, and tells {@link WatchTriggers#storeReachable} that the
 * server is back. A lost channel is reported once, not at every attempt.
 */
final class WatchPushChannel implements WatchOperation.Remote {
  private final ServerClient client;
  private final Subscription subscription;

  private WatchPushChannel(ServerClient client, Subscription subscription) {
    this.client = client;
    this.subscription = subscription;
  }

  /** Subscribes; returns at once, the channel connects in the background. */
  static WatchPushChannel start(
      Home home, String url, Set<String> collections, WatchTriggers triggers, WatchLog log)
      throws IOException {
    ServerClient client =
        ServerClient.connect(ClientOptions.of(url).withDeviceToken(home.deviceToken()));
    Subscription subscription = client.subscribe(new Listener(url, collections, triggers, log));
    return new WatchPushChannel(client, subscription);
  }

  @Override
  public void close() {
    subscription.close();
    client.close();
  }

  /** Called on the subscription's thread, one call at a time. */
  private static final class Listener implements HeadListener {
    private final String url;
    private final Set<String> collections;
    private final WatchTriggers triggers;
    private final WatchLog log;
    private boolean down;

    Listener(String url, Set<String> collections, WatchTriggers triggers, WatchLog log) {
      this.url = url;
      this.collections = collections;
      this.triggers = triggers;
      this.log = log;
    }

    @Override
    public void heads(Map<String, Long> heads) {
      if (down) {
        down = false;
        log.info("the push channel of " + url + " is back");
      }
      for (Map.Entry<String, Long> head : heads.entrySet()) {
        if (collections.contains(head.getKey())) {
          triggers.remoteHead(head.getKey(), head.getValue());
        }
      }
      triggers.storeReachable();
    }

    @Override
    public void headChanged(String collection, long head) {
      if (collections.contains(collection)) {
        triggers.remoteHead(collection, head);
      }
    }

    @Override
    public void disconnected(IOException cause, boolean reconnecting) {
      if (!reconnecting) {
        log.error(
            "the server "
                + url
                + " refused this device on the push channel ("
                + cause.getMessage()
                + "): was the device revoked? Join again. Until then only the rescan syncs.");
        return;
      }
      if (!down) {
        down = true;
        log.error(
            "lost the push channel of "
                + url
                + " ("
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage())
                + "); reconnecting in the background");
      }
    }
  }
}
