/**
 * The client side of the server protocol (docs/protocol.md): {@link
 * dev.deltasync.client.ServerClient} for the management calls (users, devices, access tokens,
 * heads, leases, the push channel) and {@link dev.deltasync.client.HttpLogStore}, the engine's
 * {@link dev.deltasync.engine.store.LogStore} over HTTP, with retries and resumable uploads.
 */
@NullMarked
package dev.deltasync.client;

import org.jspecify.annotations.NullMarked;
