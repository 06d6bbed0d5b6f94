package dev.deltasync.engine;

import java.util.List;

/**
 * What one sync did.
 *
 * @param sent changes this device pushed
 * @param applied remote changes written into local data
 * @param conflicts conflicts resolved (each keeps both sides)
 * @param conflictCopies paths of the conflict copies this sync wrote
 * @param bytesUp bytes sent to the store: change logs and new content
 * @param bytesDown bytes fetched from the store: change logs and content
 * @param cursor the store sequence this device has now applied
 * @param warnings local items this sync could not sync, and why (e.g. two names the file system
 *     treats as one)
 */
public record SyncResult(
    int sent,
    int applied,
    int conflicts,
    List<String> conflictCopies,
    long bytesUp,
    long bytesDown,
    long cursor,
    List<String> warnings) {
  public SyncResult {
    conflictCopies = List.copyOf(conflictCopies);
    warnings = List.copyOf(warnings);
  }
}
