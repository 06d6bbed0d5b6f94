/**
 * How the client talks HTTP: one transport with retries and error mapping, credentials and the
 * access-token cache, pack uploads, chunk reads and the event stream. Not an API: the classes are
 * public only for {@code dev.deltasync.client}.
 */
@NullMarked
package dev.deltasync.client.internal;

import org.jspecify.annotations.NullMarked;
