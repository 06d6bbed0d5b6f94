/** The per-device record of the previous state: items, versions, stat cache, cursor (SQLite). */
@NullMarked
package dev.deltasync.engine.snapshot;

import org.jspecify.annotations.NullMarked;
