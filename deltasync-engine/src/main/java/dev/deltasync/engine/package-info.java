/**
 * The sync engine's API: the {@link dev.deltasync.engine.Source} SPI that connects a collection to
 * local data, and the {@link dev.deltasync.engine.SyncOperation} that runs one two-way sync.
 */
@NullMarked
package dev.deltasync.engine;

import org.jspecify.annotations.NullMarked;
