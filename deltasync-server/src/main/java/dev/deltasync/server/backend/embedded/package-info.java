/**
 * The embedded backend, the default: SQLite for metadata ({@code DATA/meta.db}) and files for bulk
 * bytes ({@code DATA/blobs/}), all in the data directory, nothing else to install.
 */
@NullMarked
package dev.deltasync.server.backend.embedded;

import org.jspecify.annotations.NullMarked;
