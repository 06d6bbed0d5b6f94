package dev.deltasync.server;

/** What a server process serves. */
public enum Role {
  /** Users, devices, tokens, leases, heads, the push channel. */
  MANAGEMENT,
  /** Change logs, chunks, packs, snapshots. */
  STORAGE;
}
