package dev.deltasync.client;

import java.io.IOException;
import java.util.Map;

/**
 * Hears of new logs through the push channel ({@link ServerClient#subscribe}). Methods are called
 * one at a time, on the subscription's own thread, in the order the server sent the events; they
 * should return quickly (start a sync elsewhere, do not run it here). An exception a method throws
 * is ignored.
 */
public interface HeadListener {
  /**
   * Every collection's head, on each (re)connect: changes made while the channel was down show up
   * here.
   */
  void heads(Map<String, Long> heads);

  /**
   * A new log was appended to {@code collection}; its head is now {@code head}, higher than any
   * head heard of it since the last {@link #heads} call.
   */
  void headChanged(String collection, long head);

  /**
   * The channel broke off. When {@code reconnecting}, it connects again after a growing pause; when
   * not (the credentials were refused), the subscription has ended.
   */
  default void disconnected(IOException cause, boolean reconnecting) {}
}
