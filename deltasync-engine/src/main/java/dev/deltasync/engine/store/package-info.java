/** The {@code LogStore} SPI: where change logs and content live, and its implementations. */
@NullMarked
package dev.deltasync.engine.store;

import org.jspecify.annotations.NullMarked;
