package dev.deltasync.server.backend;

/** What a lease request did. */
public sealed interface LeaseOutcome {
  /** The lease is granted (or renewed) as given. */
  record Granted(Lease lease) implements LeaseOutcome {}

  /** Another device holds a valid lease until {@code expiresMillis}. */
  record Held(long expiresMillis) implements LeaseOutcome {}

  /** The lease to renew is no longer the collection's current one, or has expired. */
  record Lost() implements LeaseOutcome {}
}
