/**
 * The deltasync server: {@link dev.deltasync.server.DeltasyncServer} started with {@link
 * dev.deltasync.server.ServerOptions}. docs/protocol.md describes its HTTP API.
 */
@NullMarked
package dev.deltasync.server;

import org.jspecify.annotations.NullMarked;
