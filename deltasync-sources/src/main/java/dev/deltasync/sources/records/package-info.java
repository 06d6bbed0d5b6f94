/** What the record sources (contacts, calendars) share: crash-safe writes of their files. */
@NullMarked
package dev.deltasync.sources.records;

import org.jspecify.annotations.NullMarked;
